using System.Buffers.Binary;

namespace ReliableKafka.Simulator.Protocol;

/// <summary>Compression codec in bits 0-2 of a record batch's attributes.</summary>
internal enum RecordCompression
{
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}

/// <summary>The 61-byte header of a v2 record batch (magic 2), decoded. All integers are big-endian on the wire.</summary>
internal readonly struct RecordBatchHeader
{
    public long BaseOffset { get; init; }

    /// <summary>Bytes after this field: the batch occupies 12 + BatchLength bytes.</summary>
    public int BatchLength { get; init; }

    public int PartitionLeaderEpoch { get; init; }

    public sbyte Magic { get; init; }

    /// <summary>CRC-32C over bytes 21 to the end of the batch.</summary>
    public uint Crc { get; init; }

    public short Attributes { get; init; }

    public int LastOffsetDelta { get; init; }

    public long BaseTimestamp { get; init; }

    public long MaxTimestamp { get; init; }

    /// <summary>-1 when the producer is not idempotent.</summary>
    public long ProducerId { get; init; }

    public short ProducerEpoch { get; init; }

    public int BaseSequence { get; init; }

    public int RecordsCount { get; init; }

    public RecordCompression Compression => (RecordCompression)(Attributes & RecordBatch.CompressionMask);

    public bool HasLogAppendTime => (Attributes & RecordBatch.TimestampTypeFlag) != 0;

    public bool IsTransactional => (Attributes & RecordBatch.TransactionalFlag) != 0;

    public bool IsControl => (Attributes & RecordBatch.ControlFlag) != 0;

    /// <summary>Total bytes of the batch, size fields included.</summary>
    public long TotalSize => RecordBatch.LogOverhead + (long)BatchLength;

    public long LastOffset => BaseOffset + LastOffsetDelta;

    /// <summary>
    /// The sequence of the last record: BaseSequence + LastOffsetDelta, wrapping past int.MaxValue to 0;
    /// -1 when the batch has no sequence.
    /// </summary>
    public int LastSequence => RecordBatch.IncrementSequence(BaseSequence, LastOffsetDelta);

    /// <summary>Decodes the header at the start of <paramref name="batch"/>; fewer than 61 bytes throws.</summary>
    public static RecordBatchHeader Read(ReadOnlySpan<byte> batch)
    {
        if (!TryRead(batch, out var header))
        {
            throw new KafkaProtocolException(
                $"Record batch header needs {RecordBatch.HeaderSize} bytes, got {batch.Length}.");
        }

        return header;
    }

    public static bool TryRead(ReadOnlySpan<byte> batch, out RecordBatchHeader header)
    {
        if (batch.Length < RecordBatch.HeaderSize)
        {
            header = default;
            return false;
        }

        header = new RecordBatchHeader
        {
            BaseOffset = BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatch.BaseOffsetOffset..]),
            BatchLength = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatch.BatchLengthOffset..]),
            PartitionLeaderEpoch = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatch.PartitionLeaderEpochOffset..]),
            Magic = (sbyte)batch[RecordBatch.MagicOffset],
            Crc = BinaryPrimitives.ReadUInt32BigEndian(batch[RecordBatch.CrcOffset..]),
            Attributes = BinaryPrimitives.ReadInt16BigEndian(batch[RecordBatch.AttributesOffset..]),
            LastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatch.LastOffsetDeltaOffset..]),
            BaseTimestamp = BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatch.BaseTimestampOffset..]),
            MaxTimestamp = BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatch.MaxTimestampOffset..]),
            ProducerId = BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatch.ProducerIdOffset..]),
            ProducerEpoch = BinaryPrimitives.ReadInt16BigEndian(batch[RecordBatch.ProducerEpochOffset..]),
            BaseSequence = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatch.BaseSequenceOffset..]),
            RecordsCount = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatch.RecordsCountOffset..]),
        };
        return true;
    }
}
