using System.Buffers.Binary;

namespace ReliableKafka.Simulator.Protocol;

/// <summary>
/// Helpers over raw v2 record batches: validation, the two fields a broker patches, and enumeration of the
/// batches concatenated in a buffer. The broker stores batches as the client sent them.
/// </summary>
internal static class RecordBatch
{
    public const int BaseOffsetOffset = 0;
    public const int BatchLengthOffset = 8;
    public const int PartitionLeaderEpochOffset = 12;
    public const int MagicOffset = 16;
    public const int CrcOffset = 17;
    public const int AttributesOffset = 21;
    public const int LastOffsetDeltaOffset = 23;
    public const int BaseTimestampOffset = 27;
    public const int MaxTimestampOffset = 35;
    public const int ProducerIdOffset = 43;
    public const int ProducerEpochOffset = 51;
    public const int BaseSequenceOffset = 53;
    public const int RecordsCountOffset = 57;

    /// <summary>Size of the batch header; records start here.</summary>
    public const int HeaderSize = 61;

    /// <summary>baseOffset and batchLength, which batchLength does not count.</summary>
    public const int LogOverhead = 12;

    public const sbyte CurrentMagic = 2;

    public const short CompressionMask = 0x07;
    public const short TimestampTypeFlag = 0x08;
    public const short TransactionalFlag = 0x10;
    public const short ControlFlag = 0x20;

    /// <summary>
    /// Checks one batch occupying all of <paramref name="batch"/>: InvalidRecord for fewer than 61 bytes, a magic
    /// other than 2, a batchLength that does not match the buffer, or recordsCount != lastOffsetDelta + 1;
    /// CorruptMessage for a CRC-32C mismatch; otherwise None.
    /// </summary>
    public static KafkaErrorCode Validate(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < HeaderSize)
        {
            return KafkaErrorCode.InvalidRecord;
        }

        if ((sbyte)batch[MagicOffset] != CurrentMagic)
        {
            return KafkaErrorCode.InvalidRecord;
        }

        var batchLength = BinaryPrimitives.ReadInt32BigEndian(batch[BatchLengthOffset..]);
        if (LogOverhead + (long)batchLength != batch.Length)
        {
            return KafkaErrorCode.InvalidRecord;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(batch[CrcOffset..]) != ComputeCrc(batch))
        {
            return KafkaErrorCode.CorruptMessage;
        }

        var lastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(batch[LastOffsetDeltaOffset..]);
        var recordsCount = BinaryPrimitives.ReadInt32BigEndian(batch[RecordsCountOffset..]);
        if ((long)lastOffsetDelta + 1 != recordsCount)
        {
            return KafkaErrorCode.InvalidRecord;
        }

        return KafkaErrorCode.None;
    }

    /// <summary>CRC-32C over bytes 21 to the end, the value the crc field must hold.</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < AttributesOffset)
        {
            throw new KafkaProtocolException($"Record batch of {batch.Length} bytes has no CRC-covered part.");
        }

        return Crc32C.Compute(batch[AttributesOffset..]);
    }

    /// <summary>Overwrites baseOffset. Not covered by the CRC, so the batch stays valid.</summary>
    public static void SetBaseOffset(Span<byte> batch, long baseOffset) =>
        BinaryPrimitives.WriteInt64BigEndian(batch[BaseOffsetOffset..], baseOffset);

    /// <summary>Overwrites partitionLeaderEpoch. Not covered by the CRC, so the batch stays valid.</summary>
    public static void SetPartitionLeaderEpoch(Span<byte> batch, int partitionLeaderEpoch) =>
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], partitionLeaderEpoch);

    /// <summary>
    /// Switches the batch to LogAppendTime: sets attribute bit 3 and maxTimestamp, then recomputes the CRC
    /// (both fields are covered by it).
    /// </summary>
    public static void SetLogAppendTime(Span<byte> batch, long logAppendTimeMs)
    {
        var attributes = BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]);
        BinaryPrimitives.WriteInt16BigEndian(batch[AttributesOffset..], (short)(attributes | TimestampTypeFlag));
        BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampOffset..], logAppendTimeMs);
        RecomputeCrc(batch);
    }

    /// <summary>Writes the CRC of the batch's current contents into its crc field.</summary>
    public static void RecomputeCrc(Span<byte> batch) =>
        BinaryPrimitives.WriteUInt32BigEndian(batch[CrcOffset..], ComputeCrc(batch));

    /// <summary>
    /// baseSequence + delta as Kafka computes it: past int.MaxValue it wraps to 0. -1 (no sequence) stays -1.
    /// </summary>
    public static int IncrementSequence(int baseSequence, int delta)
    {
        if (baseSequence == -1)
        {
            return -1;
        }

        var sum = (long)baseSequence + delta;
        if (sum > int.MaxValue)
        {
            sum -= (long)int.MaxValue + 1;
        }

        return (int)sum;
    }

    /// <summary>
    /// Enumerates the whole batches concatenated in <paramref name="buffer"/> (a Fetch response's records). A
    /// truncated trailing batch ends the enumeration, as clients tolerate; a batchLength below the minimum throws.
    /// </summary>
    public static RecordBatchEnumerator Enumerate(ReadOnlyMemory<byte> buffer) => new(buffer);

    /// <summary>
    /// Decodes the records of an uncompressed batch. Compressed batches throw: the broker never needs to look inside.
    /// </summary>
    public static List<Record> ReadRecords(ReadOnlyMemory<byte> batch)
    {
        var header = RecordBatchHeader.Read(batch.Span);
        if (header.Compression != RecordCompression.None)
        {
            throw new KafkaProtocolException($"Cannot decode records compressed with {header.Compression}.");
        }

        if (header.TotalSize < HeaderSize || header.TotalSize > batch.Length)
        {
            throw new KafkaProtocolException($"Record batch of {header.TotalSize} bytes does not fit its {batch.Length}-byte buffer.");
        }

        var reader = new KafkaReader(batch[HeaderSize..(int)header.TotalSize]);
        if (header.RecordsCount < 0 || header.RecordsCount > reader.Remaining)
        {
            throw new KafkaProtocolException($"Record batch claims {header.RecordsCount} records in {reader.Remaining} bytes.");
        }

        var records = new List<Record>(Math.Min(header.RecordsCount, 256));
        for (var i = 0; i < header.RecordsCount; i++)
        {
            records.Add(Record.Read(ref reader));
        }

        return records;
    }
}

/// <summary>Enumerates the whole record batches in a buffer; use with foreach.</summary>
internal struct RecordBatchEnumerator
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private int _position;

    public RecordBatchEnumerator(ReadOnlyMemory<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
        Current = default;
    }

    /// <summary>The current batch, its bytes exactly (12 + batchLength).</summary>
    public ReadOnlyMemory<byte> Current { get; private set; }

    /// <summary>Bytes consumed by the batches enumerated so far; the rest is a truncated tail (or nothing).</summary>
    public readonly int Position => _position;

    public readonly RecordBatchEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        var remaining = _buffer.Length - _position;
        if (remaining < RecordBatch.LogOverhead)
        {
            return false;
        }

        var batchLength = BinaryPrimitives.ReadInt32BigEndian(_buffer.Span[(_position + RecordBatch.BatchLengthOffset)..]);
        if (batchLength < RecordBatch.HeaderSize - RecordBatch.LogOverhead)
        {
            throw new KafkaProtocolException($"Record batch at {_position} has batchLength {batchLength}, below the minimum.");
        }

        if (batchLength > remaining - RecordBatch.LogOverhead)
        {
            return false;
        }

        var size = RecordBatch.LogOverhead + batchLength;
        Current = _buffer.Slice(_position, size);
        _position += size;
        return true;
    }
}
