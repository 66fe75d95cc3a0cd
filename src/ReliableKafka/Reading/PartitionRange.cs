namespace ReliableKafka.Reading;

/// <summary>
/// What <see cref="TopicReader"/> reads of one partition: from <see cref="From"/> (raised to the log start when below
/// it) up to, not including, <see cref="Until"/> or the partition's end at the time of reading, whichever comes first.
/// </summary>
/// <param name="Partition">The partition.</param>
/// <param name="From">The first offset; 0 (the default) reads from the beginning.</param>
/// <param name="Until">The first offset not read; null (the default) reads to the partition's end.</param>
public sealed record PartitionRange(int Partition, long From = 0, long? Until = null);
