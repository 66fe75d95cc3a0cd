using System.Buffers.Binary;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Hostile;

/// <summary>Valid batches built with the simulator's own encoder, then patched field by field with the CRC fixed.</summary>
internal static class CraftedBatches
{
    /// <summary>A valid uncompressed batch of <paramref name="count"/> records, as a plain (not idempotent) producer sends it.</summary>
    public static byte[] Valid(int count = 3) => RecordBatchBuilder.Create(count);

    /// <summary>A valid batch changed by <paramref name="patch"/>, its CRC recomputed unless <paramref name="fixCrc"/> is false.</summary>
    public static byte[] Patched(Action<byte[]> patch, int count = 3, bool fixCrc = true)
    {
        var batch = Valid(count);
        patch(batch);
        if (fixCrc && batch.Length >= RecordBatch.HeaderSize)
        {
            RecordBatch.RecomputeCrc(batch);
        }

        return batch;
    }

    public static void Int16(byte[] batch, int offset, short value) => BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(offset), value);

    public static void Int32(byte[] batch, int offset, int value) => BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(offset), value);

    public static void Int64(byte[] batch, int offset, long value) => BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(offset), value);

    /// <summary>A Produce request frame for one topic, one batch per listed partition.</summary>
    public static ProduceRequest Request(string topic, short acks, params (int Partition, byte[] Batch)[] partitions) => new()
    {
        Acks = acks,
        TimeoutMs = 10_000,
        TopicData =
        [
            new ProduceRequest.TopicProduceData
            {
                Name = topic,
                PartitionData = [.. partitions.Select(static p => new ProduceRequest.PartitionProduceData { Index = p.Partition, Records = p.Batch })],
            },
        ],
    };
}
