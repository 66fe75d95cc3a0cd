using System.Buffers.Binary;

namespace ReliableKafka.Simulator.Protocol;

/// <summary>The outcome of checking a client's batch: None, or the error for its partition and why.</summary>
internal readonly record struct BatchVerdict(KafkaErrorCode Error, string? Problem)
{
    public static BatchVerdict Valid => new(KafkaErrorCode.None, null);

    public static BatchVerdict Invalid(string problem) => new(KafkaErrorCode.InvalidRecord, problem);

    public static BatchVerdict Corrupt(string problem) => new(KafkaErrorCode.CorruptMessage, problem);
}

/// <summary>
/// The checks a Kafka leader applies to the record batch a client produced, before anything reaches the log
/// (<c>ProduceRequest.validateRecords</c>, <c>UnifiedLog.analyzeAndValidateRecords</c>, <c>LogValidator</c>). Structural
/// damage Kafka detects while cutting batches or checking the CRC gives CORRUPT_MESSAGE (2); a well-formed batch whose
/// contents break a rule gives INVALID_RECORD (87); zstd before Produce v7 gives UNSUPPORTED_COMPRESSION_TYPE (76).
/// Uncompressed batches are decoded record by record without allocating; compressed ones are checked at the batch
/// level only (the simulator never decompresses).
/// </summary>
internal static class ProducedBatchValidator
{
    /// <summary>Kafka's smallest legal batchLength (a v0 message's overhead); anything smaller is corrupt.</summary>
    private const int MinimumBatchLength = 14;

    /// <summary>The bytes up to and including magic, which Kafka needs before it can tell a batch's format.</summary>
    private const int HeaderSizeUpToMagic = RecordBatch.MagicOffset + 1;

    /// <summary>
    /// Checks <paramref name="batch"/>, the whole records field of one partition in a Produce request of
    /// <paramref name="produceVersion"/>. On success the batch may have been normalised in place as Kafka's leader does
    /// it: the timestamp type becomes CreateTime and maxTimestamp the largest record timestamp, with the CRC recomputed.
    /// </summary>
    public static BatchVerdict Check(Span<byte> batch, short produceVersion)
    {
        if (CheckFraming(batch) is { Error: not KafkaErrorCode.None } framing)
        {
            return framing;
        }

        var header = RecordBatchHeader.Read(batch);
        if (header.BaseOffset != 0)
        {
            return BatchVerdict.Invalid($"baseOffset is {header.BaseOffset}; a producer must send 0");
        }

        if (header.Crc != RecordBatch.ComputeCrc(batch))
        {
            return BatchVerdict.Corrupt($"stored CRC {header.Crc:x8} does not match the batch ({RecordBatch.ComputeCrc(batch):x8})");
        }

        if (CheckHeader(header, produceVersion) is { Error: not KafkaErrorCode.None } invalid)
        {
            return invalid;
        }

        if (header.Compression != RecordCompression.None)
        {
            return BatchVerdict.Valid;
        }

        if (CheckRecords(batch[RecordBatch.HeaderSize..], header, out var maxTimestamp) is { } problem)
        {
            return BatchVerdict.Invalid(problem);
        }

        if (header.HasLogAppendTime || header.MaxTimestamp != maxTimestamp)
        {
            var attributes = (short)(header.Attributes & ~RecordBatch.TimestampTypeFlag);
            BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatch.AttributesOffset..], attributes);
            BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatch.MaxTimestampOffset..], maxTimestamp);
            RecordBatch.RecomputeCrc(batch);
        }

        return BatchVerdict.Valid;
    }

    /// <summary>Exactly one v2 batch, whose batchLength matches the bytes present.</summary>
    private static BatchVerdict CheckFraming(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < RecordBatch.LogOverhead)
        {
            return BatchVerdict.Invalid($"no record batch: {batch.Length} bytes");
        }

        var batchLength = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatch.BatchLengthOffset..]);
        if (batchLength < MinimumBatchLength)
        {
            return BatchVerdict.Corrupt($"batchLength {batchLength} is below the minimum record overhead");
        }

        if (batch.Length < HeaderSizeUpToMagic)
        {
            return BatchVerdict.Invalid($"no record batch: {batch.Length} bytes");
        }

        var magic = (sbyte)batch[RecordBatch.MagicOffset];
        if (magic is < 0 or > RecordBatch.CurrentMagic)
        {
            return BatchVerdict.Corrupt($"invalid magic {magic}");
        }

        if (RecordBatch.LogOverhead + (long)batchLength > batch.Length)
        {
            return BatchVerdict.Invalid($"batchLength {batchLength} announces more than the {batch.Length - RecordBatch.LogOverhead} bytes present");
        }

        if (magic != RecordBatch.CurrentMagic)
        {
            return BatchVerdict.Invalid($"magic {magic}: Produce v3+ carries only magic 2 batches");
        }

        if (RecordBatch.LogOverhead + batchLength < RecordBatch.HeaderSize)
        {
            return BatchVerdict.Corrupt($"batch of {RecordBatch.LogOverhead + batchLength} bytes is smaller than the {RecordBatch.HeaderSize}-byte v2 header");
        }

        if (RecordBatch.LogOverhead + batchLength != batch.Length)
        {
            return BatchVerdict.Invalid($"{batch.Length - RecordBatch.LogOverhead - batchLength} bytes follow the batch; Produce v3+ carries exactly one batch per partition");
        }

        return BatchVerdict.Valid;
    }

    /// <summary>Offsets and count, attributes and producer fields, as LogValidator.validateBatch and the simulator require.</summary>
    private static BatchVerdict CheckHeader(RecordBatchHeader header, short produceVersion)
    {
        if ((int)header.Compression > (int)RecordCompression.Zstd)
        {
            return BatchVerdict.Invalid($"unknown compression codec {(int)header.Compression}");
        }

        if (header.Compression == RecordCompression.Zstd && produceVersion < 7)
        {
            return new BatchVerdict(KafkaErrorCode.UnsupportedCompressionType, $"zstd needs Produce v7 or later, got v{produceVersion}");
        }

        if (header.LastOffsetDelta < 0)
        {
            return BatchVerdict.Invalid($"invalid offset range: lastOffsetDelta {header.LastOffsetDelta}");
        }

        if (header.RecordsCount <= 0)
        {
            return BatchVerdict.Invalid($"invalid records count {header.RecordsCount}");
        }

        if ((long)header.LastOffsetDelta + 1 != header.RecordsCount)
        {
            return BatchVerdict.Invalid($"lastOffsetDelta {header.LastOffsetDelta} does not match the records count {header.RecordsCount}");
        }

        if (header.IsControl)
        {
            return BatchVerdict.Invalid("clients may not write control batches");
        }

        return CheckProducerFields(header);
    }

    /// <summary>
    /// A producer id (any value above -1) needs a sequence and an epoch; without one, epoch and sequence are ignored, as
    /// Kafka ignores them (kafkajs sends producer id -1 with epoch 0 and sequence 0), but the batch may not be
    /// transactional.
    /// </summary>
    private static BatchVerdict CheckProducerFields(RecordBatchHeader header)
    {
        if (header.ProducerId < 0)
        {
            return header.IsTransactional ? BatchVerdict.Invalid("a transactional batch needs a producerId") : BatchVerdict.Valid;
        }

        if (header.BaseSequence < 0)
        {
            return BatchVerdict.Invalid($"invalid sequence number {header.BaseSequence} in a batch with producerId {header.ProducerId}");
        }

        return header.ProducerEpoch < 0
            ? BatchVerdict.Invalid($"invalid producer epoch {header.ProducerEpoch} in a batch with producerId {header.ProducerId}")
            : BatchVerdict.Valid;
    }

    /// <summary>
    /// Walks the records of an uncompressed batch without allocating: exactly <c>recordsCount</c> well-formed records,
    /// each offset delta equal to its position, and no bytes left. Returns the problem, or null with the largest
    /// record timestamp.
    /// </summary>
    private static string? CheckRecords(ReadOnlySpan<byte> records, RecordBatchHeader header, out long maxTimestamp)
    {
        maxTimestamp = header.BaseTimestamp;
        var reader = new SpanCursor(records);
        for (var index = 0; index < header.RecordsCount; index++)
        {
            if (reader.IsAtEnd)
            {
                return $"premature end of the batch: {index} of {header.RecordsCount} records present";
            }

            if (CheckRecord(ref reader, index, out var timestampDelta) is { } problem)
            {
                return $"record {index}: {problem}";
            }

            var timestamp = unchecked(header.BaseTimestamp + timestampDelta);
            if (index == 0 || timestamp > maxTimestamp)
            {
                maxTimestamp = timestamp;
            }
        }

        return reader.IsAtEnd ? null : $"{reader.Remaining} bytes remain after {header.RecordsCount} records";
    }

    private static string? CheckRecord(ref SpanCursor outer, int index, out long timestampDelta)
    {
        timestampDelta = 0;
        if (!outer.TryReadVarint(out var length) || length < 0 || length > outer.Remaining)
        {
            return "invalid record length";
        }

        var record = new SpanCursor(outer.Take(length));
        if (!record.TrySkip(1) || !record.TryReadVarlong(out timestampDelta) || !record.TryReadVarint(out var offsetDelta))
        {
            return "truncated record header";
        }

        if (offsetDelta != index)
        {
            return $"offset delta {offsetDelta}, expected {index}";
        }

        if (!record.TrySkipVarintBytes(nullable: true) || !record.TrySkipVarintBytes(nullable: true))
        {
            return "invalid key or value";
        }

        if (!record.TryReadVarint(out var headers) || headers < 0 || headers > record.Remaining)
        {
            return "invalid header count";
        }

        for (var i = 0; i < headers; i++)
        {
            if (!record.TrySkipVarintBytes(nullable: false) || !record.TrySkipVarintBytes(nullable: true))
            {
                return $"invalid header {i}";
            }
        }

        return record.IsAtEnd ? null : $"{record.Remaining} bytes left after the headers";
    }

    /// <summary>A forward-only reader of record fields that reports failure instead of throwing.</summary>
    private ref struct SpanCursor(ReadOnlySpan<byte> span)
    {
        private ReadOnlySpan<byte> _span = span;

        public readonly int Remaining => _span.Length;

        public readonly bool IsAtEnd => _span.IsEmpty;

        public ReadOnlySpan<byte> Take(int length)
        {
            var taken = _span[..length];
            _span = _span[length..];
            return taken;
        }

        public bool TrySkip(int length)
        {
            if (length > _span.Length)
            {
                return false;
            }

            _span = _span[length..];
            return true;
        }

        public bool TryReadVarint(out int value)
        {
            value = 0;
            if (!TryReadRaw(5, out var raw) || raw > uint.MaxValue)
            {
                return false;
            }

            value = (int)((uint)raw >> 1) ^ -(int)(raw & 1);
            return true;
        }

        public bool TryReadVarlong(out long value)
        {
            value = 0;
            if (!TryReadRaw(10, out var raw))
            {
                return false;
            }

            value = (long)(raw >> 1) ^ -(long)(raw & 1);
            return true;
        }

        /// <summary>Skips varint-length bytes; -1 is null, allowed only when <paramref name="nullable"/>.</summary>
        public bool TrySkipVarintBytes(bool nullable)
        {
            if (!TryReadVarint(out var length))
            {
                return false;
            }

            return length == -1 ? nullable : length >= 0 && TrySkip(length);
        }

        private bool TryReadRaw(int maxBytes, out ulong raw)
        {
            raw = 0;
            for (var i = 0; i < maxBytes && i < _span.Length; i++)
            {
                var b = _span[i];
                var shift = 7 * i;
                if (shift == 63 && b > 1)
                {
                    return false;
                }

                raw |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    _span = _span[(i + 1)..];
                    return true;
                }
            }

            return false;
        }
    }
}
