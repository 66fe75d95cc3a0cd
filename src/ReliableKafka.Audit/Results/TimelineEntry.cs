namespace ReliableKafka.Audit;

/// <summary>One step of a fault schedule, as applied.</summary>
/// <param name="AtMs">Milliseconds since the workload started.</param>
/// <param name="Action">What was done, for example "crashed broker 1 (leader of partition 0)".</param>
public sealed record TimelineEntry(double AtMs, string Action);
