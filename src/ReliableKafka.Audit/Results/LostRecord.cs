namespace ReliableKafka.Audit;

/// <summary>An acknowledged message that is not in the log.</summary>
/// <param name="Sequence">Its sequence.</param>
/// <param name="Key">Its key.</param>
/// <param name="Partition">The partition it was acknowledged in, or -1.</param>
/// <param name="Offset">The offset it was acknowledged at, or -1 (acks=0 gives none).</param>
public sealed record LostRecord(long Sequence, string Key, int Partition, long Offset);
