using System.Buffers.Binary;
using System.Text;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Protocol;

public sealed class RecordBatchTests
{
    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Built_batch_validates_and_its_header_describes_it()
    {
        var batch = RecordBatchBuilder.Create(3, producerId: 55, producerEpoch: 2, baseSequence: 10);

        Assert.Equal(KafkaErrorCode.None, RecordBatch.Validate(batch));
        Assert.Equal(KafkaErrorCode.None, ProducedBatchValidator.Check(batch, 8).Error);
        var header = RecordBatchHeader.Read(batch);
        Assert.Equal(0, header.BaseOffset);
        Assert.Equal(batch.Length, header.TotalSize);
        Assert.Equal(-1, header.PartitionLeaderEpoch);
        Assert.Equal(2, header.Magic);
        Assert.Equal(RecordCompression.None, header.Compression);
        Assert.False(header.IsTransactional);
        Assert.False(header.IsControl);
        Assert.Equal(2, header.LastOffsetDelta);
        Assert.Equal(3, header.RecordsCount);
        Assert.Equal(55, header.ProducerId);
        Assert.Equal(2, header.ProducerEpoch);
        Assert.Equal(10, header.BaseSequence);
        Assert.Equal(12, header.LastSequence);
        Assert.Equal(RecordBatch.ComputeCrc(batch), header.Crc);
    }

    [Fact]
    public void Records_decode_to_what_was_added()
    {
        var headers = new[] { new RecordHeader("event-id", Encoding.UTF8.GetBytes("e-1")), new RecordHeader("empty", null) };
        var batch = new RecordBatchBuilder { BaseTimestamp = 1000 }
            .Add(Encoding.UTF8.GetBytes("k"), Encoding.UTF8.GetBytes("v"), headers, timestampDelta: 5)
            .Add(null, null)
            .Add(null, "x")
            .Build();

        var records = RecordBatch.ReadRecords(batch);

        Assert.Equal(3, records.Count);
        Assert.Equal("k", Encoding.UTF8.GetString(records[0].Key!.Value.Span));
        Assert.Equal("v", Encoding.UTF8.GetString(records[0].Value!.Value.Span));
        Assert.Equal(5, records[0].TimestampDelta);
        Assert.Equal(["event-id", "empty"], records[0].Headers.Select(h => h.Key));
        Assert.Equal("e-1", Encoding.UTF8.GetString(records[0].Headers[0].Value!.Value.Span));
        Assert.Null(records[0].Headers[1].Value);
        Assert.Null(records[1].Key);
        Assert.Null(records[1].Value);
        Assert.Null(records[2].Key);
        Assert.Equal([0, 1, 2], records.Select(r => r.OffsetDelta));
        Assert.Equal(1005, RecordBatchHeader.Read(batch).MaxTimestamp);
    }

    [Fact]
    public void Flipping_any_byte_covered_by_the_crc_gives_CorruptMessage()
    {
        var batch = RecordBatchBuilder.Create(3);

        for (var i = RecordBatch.AttributesOffset; i < batch.Length; i++)
        {
            var copy = (byte[])batch.Clone();
            copy[i] ^= 0x01;
            Assert.Equal(KafkaErrorCode.CorruptMessage, RecordBatch.Validate(copy));
        }
    }

    [Fact]
    public void Bytes_outside_the_crc_are_not_checked_by_it()
    {
        var batch = RecordBatchBuilder.Create(2);

        foreach (var i in Enumerable.Range(0, 8).Concat(Enumerable.Range(RecordBatch.PartitionLeaderEpochOffset, 4)))
        {
            var copy = (byte[])batch.Clone();
            copy[i] ^= 0x40;
            Assert.Equal(KafkaErrorCode.None, RecordBatch.Validate(copy));
        }
    }

    [Fact]
    public void Wrong_magic_length_or_count_gives_InvalidRecord()
    {
        var batch = RecordBatchBuilder.Create(2);

        var magic1 = (byte[])batch.Clone();
        magic1[RecordBatch.MagicOffset] = 1;
        Assert.Equal(KafkaErrorCode.InvalidRecord, RecordBatch.Validate(magic1));

        Assert.Equal(KafkaErrorCode.InvalidRecord, RecordBatch.Validate(batch.AsSpan(0, batch.Length - 1)));
        Assert.Equal(KafkaErrorCode.InvalidRecord, RecordBatch.Validate([.. batch, 0]));
        Assert.Equal(KafkaErrorCode.InvalidRecord, RecordBatch.Validate(batch.AsSpan(0, 60)));
        Assert.Equal(KafkaErrorCode.InvalidRecord, RecordBatch.Validate([]));

        var miscounted = (byte[])batch.Clone();
        BinaryPrimitives.WriteInt32BigEndian(miscounted.AsSpan(RecordBatch.RecordsCountOffset), 5);
        RecordBatch.RecomputeCrc(miscounted);
        Assert.Equal(KafkaErrorCode.InvalidRecord, RecordBatch.Validate(miscounted));
    }

    [Fact]
    public void A_client_batch_must_start_at_offset_zero()
    {
        var batch = RecordBatchBuilder.Create(1);
        RecordBatch.SetBaseOffset(batch, 3);

        Assert.Equal(KafkaErrorCode.None, RecordBatch.Validate(batch));
        Assert.Equal(KafkaErrorCode.InvalidRecord, ProducedBatchValidator.Check(batch, 8).Error);
    }

    [Fact]
    public void Patching_base_offset_and_leader_epoch_keeps_the_batch_valid()
    {
        var batch = RecordBatchBuilder.Create(4);

        RecordBatch.SetBaseOffset(batch, 1_000_000);
        RecordBatch.SetPartitionLeaderEpoch(batch, 7);

        Assert.Equal(KafkaErrorCode.None, RecordBatch.Validate(batch));
        var header = RecordBatchHeader.Read(batch);
        Assert.Equal(1_000_000, header.BaseOffset);
        Assert.Equal(1_000_003, header.LastOffset);
        Assert.Equal(7, header.PartitionLeaderEpoch);
    }

    [Fact]
    public void Log_append_time_sets_the_flag_and_timestamp_and_recomputes_the_crc()
    {
        var batch = RecordBatchBuilder.Create(2);

        RecordBatch.SetLogAppendTime(batch, 123_456);

        Assert.Equal(KafkaErrorCode.None, RecordBatch.Validate(batch));
        var header = RecordBatchHeader.Read(batch);
        Assert.True(header.HasLogAppendTime);
        Assert.Equal(123_456, header.MaxTimestamp);
    }

    [Theory]
    [InlineData(0, 4, 4)]
    [InlineData(-1, 4, -1)]
    [InlineData(int.MaxValue, 0, int.MaxValue)]
    [InlineData(int.MaxValue, 1, 0)]
    [InlineData(int.MaxValue - 1, 3, 1)]
    public void Last_sequence_wraps_past_int_max_to_zero(int baseSequence, int records, int expected)
    {
        var builder = new RecordBatchBuilder { ProducerId = 1, ProducerEpoch = 0, BaseSequence = baseSequence };
        for (var i = 0; i <= records; i++)
        {
            builder.Add("k", "v");
        }

        Assert.Equal(expected, RecordBatchHeader.Read(builder.Build()).LastSequence);
    }

    [Fact]
    public void Transactional_and_control_flags_are_reported()
    {
        var batch = new RecordBatchBuilder { IsTransactional = true, IsControl = true }.Add("k", "v").Build();

        var header = RecordBatchHeader.Read(batch);

        Assert.True(header.IsTransactional);
        Assert.True(header.IsControl);
        Assert.Equal(KafkaErrorCode.None, RecordBatch.Validate(batch));
    }

    [Fact]
    public void Enumeration_yields_whole_batches_and_stops_at_a_truncated_tail()
    {
        var batches = Enumerable.Range(0, 3).Select(i =>
        {
            var batch = RecordBatchBuilder.Create(i + 1);
            RecordBatch.SetBaseOffset(batch, i * 10);
            return batch;
        }).ToList();
        var fourth = RecordBatchBuilder.Create(2);
        byte[] buffer = [.. batches[0], .. batches[1], .. batches[2], .. fourth.AsSpan(0, 30)];

        var enumerator = RecordBatch.Enumerate(buffer);
        var seen = new List<long>();
        while (enumerator.MoveNext())
        {
            Assert.Equal(KafkaErrorCode.None, RecordBatch.Validate(enumerator.Current.Span));
            seen.Add(RecordBatchHeader.Read(enumerator.Current.Span).BaseOffset);
        }

        Assert.Equal([0L, 10L, 20L], seen);
        Assert.Equal(buffer.Length - 30, enumerator.Position);

        var count = 0;
        foreach (var batch in RecordBatch.Enumerate(buffer.AsMemory(0, batches[0].Length)))
        {
            Assert.Equal(batches[0], batch.ToArray());
            count++;
        }

        Assert.Equal(1, count);
    }

    [Fact]
    public void Enumeration_refuses_an_impossible_batch_length()
    {
        var buffer = new byte[20];
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(RecordBatch.BatchLengthOffset), 3);

        Assert.Throws<KafkaProtocolException>(() => RecordBatch.Enumerate(buffer).MoveNext());
    }

    [Fact]
    public void Compressed_records_are_not_decoded()
    {
        var batch = RecordBatchBuilder.Create(1);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatch.AttributesOffset), (short)RecordCompression.Zstd);

        Assert.Equal(RecordCompression.Zstd, RecordBatchHeader.Read(batch).Compression);
        Assert.Throws<KafkaProtocolException>(() => RecordBatch.ReadRecords(batch));
    }

    [Fact]
    public void Short_header_throws_a_protocol_exception()
    {
        Assert.False(RecordBatchHeader.TryRead(new byte[60], out _));
        Assert.Throws<KafkaProtocolException>(() => RecordBatchHeader.Read(new byte[60]));
    }
}
