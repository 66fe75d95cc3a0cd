using Confluent.Kafka;

namespace ReliableKafka.Reading;

/// <summary>One record read by <see cref="TopicReader"/>.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The record's offset in its partition.</param>
/// <param name="Key">The key (default when the record has none).</param>
/// <param name="Value">The value (default when the record has none).</param>
/// <param name="Headers">The headers, in record order.</param>
/// <param name="Timestamp">The record's timestamp and its kind (create time or log-append time).</param>
/// <param name="LeaderEpoch">The leader epoch the record was written in, when the broker reports it.</param>
public sealed record TopicRecord<TKey, TValue>(
    string Topic,
    int Partition,
    long Offset,
    TKey Key,
    TValue Value,
    Headers Headers,
    Timestamp Timestamp,
    int? LeaderEpoch)
{
    /// <summary>Where the record is, as Confluent.Kafka names a position.</summary>
    public TopicPartitionOffset Position => new(Topic, Partition, Offset);
}
