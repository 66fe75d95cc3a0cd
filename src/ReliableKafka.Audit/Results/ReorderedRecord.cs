namespace ReliableKafka.Audit;

/// <summary>A message whose first copy comes after a later message of its key.</summary>
/// <param name="Sequence">Its sequence.</param>
/// <param name="Key">Its key.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">Where it is.</param>
/// <param name="AfterSequence">The highest sequence of the key before it.</param>
/// <param name="AfterOffset">Where that one is.</param>
public sealed record ReorderedRecord(long Sequence, string Key, int Partition, long Offset, long AfterSequence, long AfterOffset);
