namespace ReliableKafka.Audit;

/// <summary>A message present more than once.</summary>
/// <param name="Sequence">Its sequence.</param>
/// <param name="Key">Its key.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offsets">Every offset it is at, in order.</param>
public sealed record DuplicatedRecord(long Sequence, string Key, int Partition, IReadOnlyList<long> Offsets);
