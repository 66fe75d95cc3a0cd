using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Tests.Interop;

public sealed class ConfluentProducerConsumerTests : IAsyncLifetime
{
    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IProducer<string, string> Producer(string acks, bool idempotence) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            Acks = acks switch { "all" => Acks.All, "1" => Acks.Leader, _ => Acks.None },
            EnableIdempotence = idempotence,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
            MessageTimeoutMs = 15000,
        }).SetLogHandler((_, _) => { }).Build();

    private List<ConsumeResult<string, string>> ReadAll(string topic, int partitions, int expected)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "reader",
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    [Theory]
    [InlineData("all", true)]
    [InlineData("all", false)]
    [InlineData("1", false)]
    public async Task A_confluent_producer_writes_and_a_consumer_reads_back_through_real_sockets(string acks, bool idempotence)
    {
        var topic = $"events-{acks}-{idempotence}".ToLowerInvariant();
        _cluster.CreateTopic(topic, new TopicSettings(3, 3, 2));
        using (var producer = Producer(acks, idempotence))
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
                producer.ProduceAsync(topic, new Message<string, string> { Key = $"key-{i % 10}", Value = $"value-{i}" })));

            Assert.All(results, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
            Assert.Equal(300, results.Select(static r => (r.Partition.Value, r.Offset.Value)).Distinct().Count());
        }

        var records = ReadAll(topic, 3, 300);

        Assert.Equal(300, records.Count);
        Assert.Equal(
            Enumerable.Range(0, 300).Select(static i => $"value-{i}").Order(),
            records.Select(static r => r.Message.Value).Order());
        foreach (var group in records.GroupBy(static r => r.Message.Key))
        {
            // One key, one partition, in the order produced.
            Assert.Single(group.Select(static r => r.Partition.Value).Distinct());
            var values = group.OrderBy(static r => r.Offset.Value).Select(static r => int.Parse(r.Message.Value["value-".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(values.Order(), values);
        }

        var snapshot = _cluster.Describe().Topics.Single(t => t.Name == topic);
        Assert.All(snapshot.Partitions, static p =>
        {
            Assert.Equal(3, p.Isr.Count);
            Assert.All(p.LogEndOffsets.Values, leo => Assert.Equal(p.HighWatermark, leo));
        });
    }

    [Fact]
    public async Task Metadata_lists_every_broker_on_its_own_port_and_auto_creates_topics()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.BootstrapServers }).SetLogHandler((_, _) => { }).Build();
        using var producer = Producer("all", true);

        var delivered = await producer.ProduceAsync("auto-created", new Message<string, string> { Key = "k", Value = "v" });
        var metadata = admin.GetMetadata("auto-created", TimeSpan.FromSeconds(10));

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.Equal([1, 2, 3], metadata.Brokers.Select(static b => b.BrokerId).Order());
        Assert.Equal(_cluster.BootstrapServers.Split(','), metadata.Brokers.OrderBy(static b => b.BrokerId).Select(static b => $"{b.Host}:{b.Port}"));
        var topic = Assert.Single(metadata.Topics);
        Assert.Equal(3, Assert.Single(topic.Partitions).Replicas.Length);
    }

    [Fact]
    public async Task After_the_leader_crashes_acks_all_records_survive_and_producing_continues()
    {
        const string Topic = "crash-safe";
        _cluster.CreateTopic(Topic, new TopicSettings(1, 3, 2));
        using var producer = Producer("all", true);
        var before = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => producer.ProduceAsync(Topic, new Message<string, string> { Key = "k", Value = $"before-{i}" })));
        var leader = _cluster.Describe().Topics.Single(t => t.Name == Topic).Partitions[0].Leader;

        _cluster.CrashBroker(leader);
        var after = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => producer.ProduceAsync(Topic, new Message<string, string> { Key = "k", Value = $"after-{i}" })));

        var partition = _cluster.Describe().Topics.Single(t => t.Name == Topic).Partitions[0];
        Assert.NotEqual(leader, partition.Leader);
        Assert.Equal(1, partition.LeaderEpoch);
        Assert.All(before.Concat(after), static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        var values = ReadAll(Topic, 1, 100).Select(static r => r.Message.Value).ToList();
        Assert.Equal(before.Select(static r => r.Message.Value).Concat(after.Select(static r => r.Message.Value)), values);
        Assert.Contains(_cluster.Truth.Events, e => e.Kind == TruthEventKind.Elected && e.Topic == Topic && e.LeaderEpoch == 1);
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task Every_compression_codec_passes_through_untouched(CompressionType codec)
    {
        var topic = "codec-" + codec.ToString().ToLowerInvariant();
        _cluster.CreateTopic(topic, new TopicSettings(1, 3, 2));
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            EnableIdempotence = true,
            CompressionType = codec,
            LingerMs = 20,
        }).SetLogHandler((_, _) => { }).Build())
        {
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = new string('x', 100) + i })));
        }

        var stored = _cluster.Describe().Topics.Single(t => t.Name == topic);
        var records = ReadAll(topic, 1, 200);

        Assert.Equal(200, records.Count);
        Assert.Equal(Enumerable.Range(0, 200).Select(static i => new string('x', 100) + i), records.Select(static r => r.Message.Value));
        Assert.Equal(200, stored.Partitions[0].HighWatermark);
    }

    [Fact]
    public async Task Acks_0_messages_arrive_without_a_response()
    {
        const string Topic = "fire-and-forget";
        _cluster.CreateTopic(Topic, new TopicSettings(1, 3, 1));
        using (var producer = Producer("0", idempotence: false))
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => producer.ProduceAsync(Topic, new Message<string, string> { Key = "k", Value = $"m{i}" })));
            Assert.All(results, static r => Assert.True(r.Offset.Value < 0, $"acks=0 cannot know an offset, got {r.Offset}"));
        }

        Assert.Equal(100, ReadAll(Topic, 1, 100).Count);
        Assert.DoesNotContain(_cluster.Truth.For(Topic, 0), static e => e.Kind == TruthEventKind.Acknowledged);
    }
}
