namespace ReliableKafka.Audit;

/// <summary>Send-to-acknowledgement latency of the acknowledged messages, in milliseconds; zeros when none were.</summary>
/// <param name="P50Ms">Median.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="MaxMs">Maximum.</param>
public sealed record LatencySummary(double P50Ms, double P99Ms, double MaxMs);
