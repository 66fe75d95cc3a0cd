namespace ReliableKafka.Audit;

/// <summary>An acknowledged message that is not in the log.</summary>
/// <param name="Sequence">Its sequence.</param>
/// <param name="Key">Its key.</param>
/// <param name="Partition">The partition it was acknowledged in, or -1.</param>
/// <param name="Offset">The offset it was acknowledged at, or -1 (acks=0 gives none).</param>
public sealed record LostRecord(long Sequence, string Key, int Partition, long Offset);

/// <summary>A message present more than once.</summary>
/// <param name="Sequence">Its sequence.</param>
/// <param name="Key">Its key.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offsets">Every offset it is at, in order.</param>
public sealed record DuplicatedRecord(long Sequence, string Key, int Partition, IReadOnlyList<long> Offsets);

/// <summary>A message whose first copy comes after a later message of its key.</summary>
/// <param name="Sequence">Its sequence.</param>
/// <param name="Key">Its key.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">Where it is.</param>
/// <param name="AfterSequence">The highest sequence of the key before it.</param>
/// <param name="AfterOffset">Where that one is.</param>
public sealed record ReorderedRecord(long Sequence, string Key, int Partition, long Offset, long AfterSequence, long AfterOffset);
