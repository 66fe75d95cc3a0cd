using Confluent.Kafka;

namespace ReliableKafka.Audit.Workload;

/// <summary>A message the workload handed to the producer.</summary>
/// <param name="Sequence">Unique within the run.</param>
/// <param name="Key">Its key.</param>
internal readonly record struct SentRecord(long Sequence, string Key);

/// <summary>What the client reported for one message.</summary>
/// <param name="Sequence">The message.</param>
/// <param name="Error">NoError when acknowledged.</param>
/// <param name="Persistence">Persisted, possibly persisted or not persisted, as the client reported it.</param>
/// <param name="Partition">The partition, or -1.</param>
/// <param name="Offset">The offset the cluster acknowledged, or -1 (always -1 with acks=0).</param>
/// <param name="Latency">From the send to the report.</param>
internal readonly record struct DeliveryRecord(long Sequence, ErrorCode Error, PersistenceStatus Persistence, int Partition, long Offset, TimeSpan Latency)
{
    public bool Acknowledged => Error == ErrorCode.NoError;
}

/// <summary>A record read back from the log.</summary>
/// <param name="Partition">Its partition.</param>
/// <param name="Offset">Its offset.</param>
/// <param name="Key">The key written in its value.</param>
/// <param name="Sequence">The sequence written in its value.</param>
internal readonly record struct ConsumedRecord(int Partition, long Offset, string Key, long Sequence);
