using System.Buffers.Binary;

namespace ReliableKafka.Simulator.Protocol;

/// <summary>What a transaction marker says: Kafka's ControlRecordType, the int16 after the version in a control record's key.</summary>
internal enum ControlRecordType : short
{
    /// <summary>The transaction was aborted: its records are skipped by read_committed consumers.</summary>
    Abort = 0,

    /// <summary>The transaction was committed.</summary>
    Commit = 1,
}

/// <summary>
/// The control batch a transaction coordinator writes to every partition of a finished transaction: attributes
/// transactional (0x10) and control (0x20), no sequence, one record whose key is version 0 and the
/// <see cref="ControlRecordType"/> (exactly 4 bytes; librdkafka refuses any other length) and whose value is version 0
/// and the coordinator epoch (6 bytes), as Kafka's EndTransactionMarker.
/// </summary>
internal static class TransactionMarker
{
    /// <summary>The size of a marker's key: version (int16) and type (int16).</summary>
    public const int KeySize = 4;

    /// <summary>The size of a marker's value: version (int16) and coordinator epoch (int32).</summary>
    public const int ValueSize = 6;

    /// <summary>A marker batch for the producer's transaction, at base offset 0 (the leader assigns the offset).</summary>
    public static byte[] Build(long producerId, short producerEpoch, ControlRecordType type, int coordinatorEpoch, long timestampMs)
    {
        var key = new byte[KeySize];
        BinaryPrimitives.WriteInt16BigEndian(key, 0);
        BinaryPrimitives.WriteInt16BigEndian(key.AsSpan(2), (short)type);
        var value = new byte[ValueSize];
        BinaryPrimitives.WriteInt16BigEndian(value, 0);
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(2), coordinatorEpoch);
        var builder = new RecordBatchBuilder
        {
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
            BaseSequence = -1,
            BaseTimestamp = timestampMs,
            IsTransactional = true,
            IsControl = true,
        };
        builder.Add(key, value);
        return builder.Build();
    }

    /// <summary>The type of a control batch's marker; null when the batch is not a marker or its key is not a valid one.</summary>
    public static ControlRecordType? TypeOf(ReadOnlyMemory<byte> batch)
    {
        if (!RecordBatchHeader.TryRead(batch.Span, out var header) || !header.IsControl || header.Compression != RecordCompression.None)
        {
            return null;
        }

        var records = RecordBatch.ReadRecords(batch);
        if (records.Count == 0 || records[0].Key is not { Length: KeySize } key)
        {
            return null;
        }

        var type = BinaryPrimitives.ReadInt16BigEndian(key.Span[2..]);
        return type is 0 or 1 ? (ControlRecordType)type : null;
    }
}
