namespace ReliableKafka.Audit;

/// <summary>Why records were lost, duplicated or reordered, from the cluster's ground truth (simulator only).</summary>
/// <param name="Kind">"lost", "duplicated" or "reordered".</param>
/// <param name="Partition">The partition.</param>
/// <param name="FirstOffset">First offset concerned, or -1.</param>
/// <param name="LastOffset">Last offset concerned, or -1.</param>
/// <param name="Records">How many of the run's records this explains.</param>
/// <param name="Text">One sentence, for example "offsets 812-830 truncated when broker 2 became leader in epoch 4".</param>
/// <param name="TruthEvents">The sequence numbers of the ground-truth events it rests on.</param>
public sealed record Explanation(string Kind, int Partition, long FirstOffset, long LastOffset, int Records, string Text, IReadOnlyList<long> TruthEvents);
