using System.Buffers.Binary;
using System.Text;

namespace ReliableKafka.Simulator.Protocol;

/// <summary>
/// Builds a valid uncompressed v2 record batch, as a producer would send it: baseOffset 0 unless set,
/// CRC computed. For tests of the codec and of the simulated cluster.
/// </summary>
internal sealed class RecordBatchBuilder
{
    private readonly List<Record> _records = [];

    public long BaseOffset { get; set; }

    public int PartitionLeaderEpoch { get; set; } = -1;

    public long BaseTimestamp { get; set; }

    /// <summary>-1 for a producer that is not idempotent.</summary>
    public long ProducerId { get; set; } = -1;

    public short ProducerEpoch { get; set; } = -1;

    public int BaseSequence { get; set; } = -1;

    public bool IsTransactional { get; set; }

    public bool IsControl { get; set; }

    public int Count => _records.Count;

    /// <summary>Adds a record; its offset delta is its position in the batch.</summary>
    public RecordBatchBuilder Add(
        ReadOnlyMemory<byte>? key,
        ReadOnlyMemory<byte>? value,
        IReadOnlyList<RecordHeader>? headers = null,
        long timestampDelta = 0)
    {
        _records.Add(new Record
        {
            TimestampDelta = timestampDelta,
            OffsetDelta = _records.Count,
            Key = key,
            Value = value,
            Headers = headers ?? [],
        });
        return this;
    }

    /// <summary>Adds a record with UTF-8 key and value.</summary>
    public RecordBatchBuilder Add(string? key, string? value) => Add(Utf8(key), Utf8(value));

    public byte[] Build()
    {
        using var writer = new KafkaWriter(RecordBatch.HeaderSize + (_records.Count * 32));
        writer.WriteRaw(new byte[RecordBatch.HeaderSize]);
        foreach (var record in _records)
        {
            record.Write(writer);
        }

        var batch = writer.ToArray();
        var span = batch.AsSpan();
        short attributes = 0;
        if (IsTransactional)
        {
            attributes |= RecordBatch.TransactionalFlag;
        }

        if (IsControl)
        {
            attributes |= RecordBatch.ControlFlag;
        }

        var maxDelta = _records.Count == 0 ? 0 : _records.Max(r => r.TimestampDelta);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatch.BaseOffsetOffset..], BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.BatchLengthOffset..], batch.Length - RecordBatch.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.PartitionLeaderEpochOffset..], PartitionLeaderEpoch);
        span[RecordBatch.MagicOffset] = (byte)RecordBatch.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(span[RecordBatch.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.LastOffsetDeltaOffset..], _records.Count - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatch.BaseTimestampOffset..], BaseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatch.MaxTimestampOffset..], BaseTimestamp + maxDelta);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatch.ProducerIdOffset..], ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(span[RecordBatch.ProducerEpochOffset..], ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.BaseSequenceOffset..], BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.RecordsCountOffset..], _records.Count);
        RecordBatch.RecomputeCrc(span);
        return batch;
    }

    /// <summary>
    /// A batch of <paramref name="count"/> records with keys "key-i" and values "value-i" (i from 0).
    /// </summary>
    public static byte[] Create(int count, long producerId = -1, short producerEpoch = -1, int baseSequence = -1)
    {
        var builder = new RecordBatchBuilder
        {
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
            BaseSequence = baseSequence,
        };
        for (var i = 0; i < count; i++)
        {
            builder.Add($"key-{i}", $"value-{i}");
        }

        return builder.Build();
    }

    // A null string must stay a null key or value: byte[] null would silently become empty memory.
    private static ReadOnlyMemory<byte>? Utf8(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return Encoding.UTF8.GetBytes(text);
    }
}
