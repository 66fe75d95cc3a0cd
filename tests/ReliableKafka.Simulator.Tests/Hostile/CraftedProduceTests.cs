using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Simulator.Tests.Admin;
using ReliableKafka.Testing;
using static ReliableKafka.Simulator.Tests.Hostile.CraftedBatches;

namespace ReliableKafka.Simulator.Tests.Hostile;

/// <summary>
/// Crafted Produce batches, sent over a real socket: each is refused for its own partition with Kafka's error
/// (CORRUPT_MESSAGE or INVALID_RECORD), nothing reaches any replica, and the other partition in the same request and
/// the rest of the cluster go on.
/// </summary>
public sealed class CraftedProduceTests : IAsyncLifetime
{
    private SimulatedCluster _cluster = null!;

    public static TheoryData<string, short> Cases => new()
    {
        { "negative lastOffsetDelta with a records count to match", (short)KafkaErrorCode.InvalidRecord },
        { "lastOffsetDelta -2 and records count -1", (short)KafkaErrorCode.InvalidRecord },
        { "records count above the records present", (short)KafkaErrorCode.InvalidRecord },
        { "count and lastOffsetDelta agree on more records than present", (short)KafkaErrorCode.InvalidRecord },
        { "records left after the announced count", (short)KafkaErrorCode.InvalidRecord },
        { "record offset deltas out of order", (short)KafkaErrorCode.InvalidRecord },
        { "record length beyond the batch", (short)KafkaErrorCode.InvalidRecord },
        { "control batch from a producer", (short)KafkaErrorCode.InvalidRecord },
        { "transactional batch without a producer id", (short)KafkaErrorCode.InvalidRecord },
        { "producer id with a negative epoch", (short)KafkaErrorCode.InvalidRecord },
        { "producer id without a sequence", (short)KafkaErrorCode.InvalidRecord },
        { "base offset not 0", (short)KafkaErrorCode.InvalidRecord },
        { "magic 1", (short)KafkaErrorCode.InvalidRecord },
        { "magic 9", (short)KafkaErrorCode.CorruptMessage },
        { "bad CRC", (short)KafkaErrorCode.CorruptMessage },
        { "batchLength below the minimum", (short)KafkaErrorCode.CorruptMessage },
        { "batchLength beyond the bytes present", (short)KafkaErrorCode.InvalidRecord },
        { "unknown compression codec", (short)KafkaErrorCode.InvalidRecord },
    };

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_crafted_batch_is_refused_for_its_partition_only_and_nothing_reaches_a_replica(string name, short expected)
    {
        _cluster.CreateTopic("crafted", new TopicSettings(2, 3, 2));
        var response = await ProduceAsync("crafted", -1, 8, (0, Craft(name)), (1, Valid()));

        var partitions = response.Responses.Single().PartitionResponses.OrderBy(static p => p.Index).ToList();
        Assert.Equal((KafkaErrorCode)expected, partitions[0].ErrorCode);
        Assert.False(string.IsNullOrEmpty(partitions[0].ErrorMessage));
        Assert.Equal(KafkaErrorCode.None, partitions[1].ErrorCode);
        Assert.Equal(0, partitions[1].BaseOffset);
        var snapshot = _cluster.Describe().Topics.Single().Partitions;
        Assert.All(snapshot[0].LogEndOffsets.Values, static leo => Assert.Equal(0, leo));
        Assert.All(snapshot[1].LogEndOffsets.Values, static leo => Assert.Equal(3, leo));
    }

    [Fact]
    public async Task Produce_batch_with_negative_last_offset_delta_is_refused_and_replication_continues()
    {
        _cluster.CreateTopic("victim", new TopicSettings(1, 3, 2));
        _cluster.CreateTopic("bystander", new TopicSettings(3, 3, 2));

        var response = await ProduceAsync("victim", 1, 8, (0, Craft("negative lastOffsetDelta with a records count to match")));

        Assert.Equal(KafkaErrorCode.InvalidRecord, response.Responses.Single().PartitionResponses.Single().ErrorCode);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = 15_000,
        }).SetLogHandler((_, _) => { }).Build();
        for (var partition = 0; partition < 3; partition++)
        {
            var result = await producer.ProduceAsync(new TopicPartition("bystander", partition), new Message<string, string> { Key = "k", Value = $"after the crafted batch {partition}" });
            Assert.Equal(PersistenceStatus.Persisted, result.Status);
        }

        var victim = _cluster.Describe().Topics.Single(static t => t.Name == "victim").Partitions.Single();
        Assert.All(victim.LogEndOffsets.Values, static leo => Assert.Equal(0, leo));
        Assert.Equal(3, victim.Isr.Count);
    }

    [Fact]
    public async Task A_batch_without_producer_id_but_with_epoch_and_sequence_0_is_accepted_as_kafka_accepts_kafkajs_batches()
    {
        _cluster.CreateTopic("kafkajs", new TopicSettings(1, 1, 1));
        var batch = Patched(static b => { Int16(b, RecordBatch.ProducerEpochOffset, 0); Int32(b, RecordBatch.BaseSequenceOffset, 0); });

        var response = await ProduceAsync("kafkajs", 1, 8, (0, batch), (0, batch));

        Assert.All(response.Responses.Single().PartitionResponses, static p => Assert.Equal(KafkaErrorCode.None, p.ErrorCode));
        Assert.Equal(6, _cluster.Describe().Topics.Single().Partitions.Single().LogEndOffsets[1]);
    }

    [Fact]
    public async Task Zstd_before_produce_v7_is_refused_with_unsupported_compression_type()
    {
        _cluster.CreateTopic("zstd", new TopicSettings(1, 1, 1));
        var zstd = Patched(static b => Int16(b, RecordBatch.AttributesOffset, (short)RecordCompression.Zstd));

        var response = await ProduceAsync("zstd", 1, 6, (0, zstd));

        Assert.Equal(KafkaErrorCode.UnsupportedCompressionType, response.Responses.Single().PartitionResponses.Single().ErrorCode);
        Assert.Equal(0, _cluster.Describe().Topics.Single().Partitions.Single().LogEndOffsets[1]);
    }

    [Fact]
    public async Task A_log_append_time_flag_and_a_wrong_max_timestamp_are_rewritten_as_kafka_does()
    {
        _cluster.CreateTopic("stamps", new TopicSettings(1, 1, 1));
        var builder = new RecordBatchBuilder { BaseTimestamp = 1_000 };
        builder.Add(null, new byte[] { 1 }, timestampDelta: 0).Add(null, new byte[] { 2 }, timestampDelta: 40).Add(null, new byte[] { 3 }, timestampDelta: 7);
        var batch = builder.Build();
        Int16(batch, RecordBatch.AttributesOffset, RecordBatch.TimestampTypeFlag);
        Int64(batch, RecordBatch.MaxTimestampOffset, 99_999);
        RecordBatch.RecomputeCrc(batch);

        var response = await ProduceAsync("stamps", 1, 8, (0, batch));

        Assert.Equal(KafkaErrorCode.None, response.Responses.Single().PartitionResponses.Single().ErrorCode);
        var data = _cluster.FindTopic("stamps")!.Partitions[0].BatchesOf(1).Single().Data.ToArray();
        var stored = RecordBatchHeader.Read(data);
        Assert.False(stored.HasLogAppendTime);
        Assert.Equal(1_040, stored.MaxTimestamp);
        Assert.Equal(RecordBatch.ComputeCrc(data), stored.Crc);
    }

    private static byte[] Craft(string name) => name switch
    {
        "negative lastOffsetDelta with a records count to match" => Patched(static b => { Int32(b, RecordBatch.LastOffsetDeltaOffset, -1); Int32(b, RecordBatch.RecordsCountOffset, 0); }),
        "lastOffsetDelta -2 and records count -1" => Patched(static b => { Int32(b, RecordBatch.LastOffsetDeltaOffset, -2); Int32(b, RecordBatch.RecordsCountOffset, -1); }),
        "records count above the records present" => Patched(static b => Int32(b, RecordBatch.RecordsCountOffset, 5)),
        "count and lastOffsetDelta agree on more records than present" => Patched(static b => { Int32(b, RecordBatch.LastOffsetDeltaOffset, 4); Int32(b, RecordBatch.RecordsCountOffset, 5); }),
        "records left after the announced count" => Patched(static b => { Int32(b, RecordBatch.LastOffsetDeltaOffset, 0); Int32(b, RecordBatch.RecordsCountOffset, 1); }),
        "record offset deltas out of order" => Patched(static b => b[RecordBatch.HeaderSize + 3] = 4), // record 0: length, attributes, timestamp delta, then offset delta zigzag(2)
        "record length beyond the batch" => Patched(static b => b[RecordBatch.HeaderSize] = 0x7E),
        "control batch from a producer" => Patched(static b => Int16(b, RecordBatch.AttributesOffset, RecordBatch.ControlFlag)),
        "transactional batch without a producer id" => Patched(static b => Int16(b, RecordBatch.AttributesOffset, RecordBatch.TransactionalFlag)),
        "producer id with a negative epoch" => Patched(static b => { Int64(b, RecordBatch.ProducerIdOffset, 5_000); Int32(b, RecordBatch.BaseSequenceOffset, 0); }),
        "producer id without a sequence" => Patched(static b => { Int64(b, RecordBatch.ProducerIdOffset, 5_000); Int16(b, RecordBatch.ProducerEpochOffset, 0); }),
        "base offset not 0" => Patched(static b => Int64(b, RecordBatch.BaseOffsetOffset, 7)),
        "magic 1" => Patched(static b => b[RecordBatch.MagicOffset] = 1),
        "magic 9" => Patched(static b => b[RecordBatch.MagicOffset] = 9),
        "bad CRC" => Patched(static b => b[^1] ^= 0x5A, fixCrc: false),
        "batchLength below the minimum" => Patched(static b => Int32(b, RecordBatch.BatchLengthOffset, 5)),
        "batchLength beyond the bytes present" => Patched(static b => Int32(b, RecordBatch.BatchLengthOffset, b.Length)),
        "unknown compression codec" => Patched(static b => Int16(b, RecordBatch.AttributesOffset, 6)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such case"),
    };

    private async Task<ProduceResponse> ProduceAsync(string topic, short acks, short version, params (int Partition, byte[] Batch)[] partitions)
    {
        await Eventually.WaitUntilAsync(() => _cluster.Describe().Topics.Single(t => t.Name == topic).Partitions.All(static p => p.Leader >= 0), TimeSpan.FromSeconds(10), "leaders elected");
        var leader = _cluster.Describe().Topics.Single(t => t.Name == topic).Partitions[0].Leader;
        foreach (var (partition, _) in partitions.Where(p => _cluster.Describe().Topics.Single(t => t.Name == topic).Partitions[p.Partition].Leader != leader))
        {
            // One request, one broker: every partition in it is led by the same broker.
            _cluster.MoveLeader(topic, partition, leader);
        }

        var broker = _cluster.Describe().Brokers.Single(b => b.Id == leader);
        await using var connection = await RawConnection.ConnectAsync(broker.Host, broker.Port);
        return await connection.SendAsync<ProduceRequest, ProduceResponse>(Request(topic, acks, partitions), version);
    }
}
