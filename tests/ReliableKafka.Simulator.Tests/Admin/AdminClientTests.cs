using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Tests.Admin;

/// <summary>The admin APIs driven by Confluent.Kafka's AdminClient (librdkafka) through real sockets.</summary>
public sealed class AdminClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private SimulatedCluster _cluster = null!;
    private IAdminClient _admin = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3 });
        _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.BootstrapServers })
            .SetLogHandler((_, _) => { })
            .Build();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _cluster.DisposeAsync();
    }

    private static TopicSpecification Spec(string name, int partitions, short replicationFactor, Dictionary<string, string>? configs = null) =>
        new() { Name = name, NumPartitions = partitions, ReplicationFactor = replicationFactor, Configs = configs };

    private async Task<Dictionary<string, ConfigEntryResult>> DescribeAsync(ResourceType type, string name)
    {
        var results = await _admin.DescribeConfigsAsync([new ConfigResource { Type = type, Name = name }]).WaitAsync(Timeout);
        return Assert.Single(results).Entries;
    }

    [Fact]
    public async Task A_created_topic_has_its_partitions_replicas_and_configs_and_is_gone_after_delete()
    {
        const string Topic = "orders";

        await _admin.CreateTopicsAsync([Spec(Topic, 3, 3, new() { ["min.insync.replicas"] = "2", ["unclean.leader.election.enable"] = "false" })]).WaitAsync(Timeout);

        var topic = Assert.Single(_admin.GetMetadata(Topic, Timeout).Topics);
        Assert.Equal(ErrorCode.NoError, topic.Error.Code);
        Assert.Equal([0, 1, 2], topic.Partitions.Select(static p => p.PartitionId).Order());
        Assert.All(topic.Partitions, static p =>
        {
            Assert.Equal([1, 2, 3], p.Replicas.Order());
            Assert.Equal([1, 2, 3], p.InSyncReplicas.Order());
            Assert.Equal(p.Replicas[0], p.Leader);
        });
        var settings = _cluster.Describe().Topics.Single(static t => t.Name == Topic).Settings;
        Assert.Equal(new TopicSettings(3, 3, 2, false, 1_048_588), settings);

        var configs = await DescribeAsync(ResourceType.Topic, Topic);
        Assert.Equal("2", configs["min.insync.replicas"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, configs["min.insync.replicas"].Source);
        Assert.Equal("false", configs["unclean.leader.election.enable"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, configs["unclean.leader.election.enable"].Source);
        Assert.Equal("1048588", configs["max.message.bytes"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, configs["max.message.bytes"].Source);
        Assert.Equal("delete", configs["cleanup.policy"].Value);
        Assert.Equal("604800000", configs["retention.ms"].Value);
        Assert.All(configs.Values, static c => Assert.False(c.IsSensitive));
        Assert.Equal(
            [("min.insync.replicas", "2", ConfigSource.DynamicTopicConfig), ("min.insync.replicas", "1", ConfigSource.DefaultConfig)],
            configs["min.insync.replicas"].Synonyms.Select(static s => (s.Name, s.Value, s.Source)));

        var again = await Assert.ThrowsAsync<CreateTopicsException>(() => _admin.CreateTopicsAsync([Spec(Topic, 3, 3)]));
        Assert.Equal(ErrorCode.TopicAlreadyExists, Assert.Single(again.Results).Error.Code);

        var tooWide = await Assert.ThrowsAsync<CreateTopicsException>(() => _admin.CreateTopicsAsync([Spec("too-wide", 1, 4)]));
        Assert.Equal(ErrorCode.InvalidReplicationFactor, Assert.Single(tooWide.Results).Error.Code);

        await _admin.DeleteTopicsAsync([Topic]).WaitAsync(Timeout);

        Assert.DoesNotContain(_admin.GetMetadata(Timeout).Topics, static t => t.Topic is Topic or "too-wide");
        Assert.DoesNotContain(_cluster.Describe().Topics, static t => t.Name is Topic or "too-wide");
    }

    [Fact]
    public async Task Default_partitions_and_replication_factor_come_from_the_cluster_defaults()
    {
        await _admin.CreateTopicsAsync([Spec("defaults", -1, -1)]).WaitAsync(Timeout);

        var partition = Assert.Single(Assert.Single(_admin.GetMetadata("defaults", Timeout).Topics).Partitions);
        Assert.Equal(3, partition.Replicas.Length);
    }

    [Fact]
    public async Task Validate_only_checks_without_creating_and_bad_names_and_configs_are_refused()
    {
        await _admin.CreateTopicsAsync([Spec("checked", 2, 3)], new CreateTopicsOptions { ValidateOnly = true }).WaitAsync(Timeout);
        Assert.DoesNotContain(_cluster.Describe().Topics, static t => t.Name == "checked");

        var failed = await Assert.ThrowsAsync<CreateTopicsException>(() => _admin.CreateTopicsAsync(
        [
            Spec("bad-min-isr", 1, 3, new() { ["min.insync.replicas"] = "0" }),
            Spec("bad-unclean", 1, 3, new() { ["unclean.leader.election.enable"] = "maybe" }),
            Spec("bad-max-bytes", 1, 3, new() { ["max.message.bytes"] = "lots" }),
            Spec("unknown-config", 1, 3, new() { ["no.such.config"] = "1" }),
            Spec("bad name!", 1, 3),
            Spec("fine", 1, 3, new() { ["retention.ms"] = "1000", ["max.message.bytes"] = "2000" }),
        ]));

        var codes = failed.Results.ToDictionary(static r => r.Topic, static r => r.Error.Code);
        Assert.Equal(ErrorCode.InvalidConfig, codes["bad-min-isr"]);
        Assert.Equal(ErrorCode.InvalidConfig, codes["bad-unclean"]);
        Assert.Equal(ErrorCode.InvalidConfig, codes["bad-max-bytes"]);
        Assert.Equal(ErrorCode.InvalidConfig, codes["unknown-config"]);
        Assert.Equal(ErrorCode.TopicException, codes["bad name!"]);
        Assert.Equal(ErrorCode.NoError, codes["fine"]);
        Assert.Equal(["fine"], _cluster.Describe().Topics.Select(static t => t.Name));
        Assert.Equal(2000, _cluster.Describe().Topics[0].Settings.MaxMessageBytes);

        var configs = await DescribeAsync(ResourceType.Topic, "fine");
        Assert.Equal(("1000", ConfigSource.DynamicTopicConfig), (configs["retention.ms"].Value, configs["retention.ms"].Source));
        Assert.Equal(("2000", ConfigSource.DynamicTopicConfig), (configs["max.message.bytes"].Value, configs["max.message.bytes"].Source));
        Assert.Equal(("1", ConfigSource.DefaultConfig), (configs["min.insync.replicas"].Value, configs["min.insync.replicas"].Source));
    }

    [Fact]
    public async Task Unknown_topics_cannot_be_described_or_deleted()
    {
        var describe = await Assert.ThrowsAsync<DescribeConfigsException>(() =>
            _admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "missing" }]));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, Assert.Single(describe.Results).Error.Code);

        var delete = await Assert.ThrowsAsync<DeleteTopicsException>(() => _admin.DeleteTopicsAsync(["missing"]));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, Assert.Single(delete.Results).Error.Code);
    }

    [Fact]
    public async Task A_broker_describes_its_own_configs()
    {
        var configs = await DescribeAsync(ResourceType.Broker, "2");

        Assert.Equal("2", configs["broker.id"].Value);
        Assert.True(configs["broker.id"].IsReadOnly);
        Assert.Equal("30000", configs["replica.lag.time.max.ms"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, configs["replica.lag.time.max.ms"].Source);
        Assert.Equal("true", configs["auto.create.topics.enable"].Value);
        Assert.Equal("3", configs["default.replication.factor"].Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, configs["default.replication.factor"].Source);
        Assert.Equal("1", configs["min.insync.replicas"].Value);
        Assert.All(configs.Values, static c => Assert.False(c.IsSensitive));
    }

    [Fact]
    public async Task A_producer_and_a_consumer_use_a_topic_created_through_the_admin_client()
    {
        const string Topic = "admin-made";
        await _admin.CreateTopicsAsync([Spec(Topic, 2, 3, new() { ["min.insync.replicas"] = "2" })]).WaitAsync(Timeout);
        var producerConfig = new ProducerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            MessageTimeoutMs = 10000,
            AllowAutoCreateTopics = false,
        };
        using (var producer = new ProducerBuilder<string, string>(producerConfig).SetLogHandler((_, _) => { }).Build())
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
                producer.ProduceAsync(Topic, new Message<string, string> { Key = $"key-{i % 7}", Value = $"value-{i}" }))).WaitAsync(Timeout);
            Assert.All(results, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "admin-reader",
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Assign([new TopicPartitionOffset(Topic, 0, Offset.Beginning), new TopicPartitionOffset(Topic, 1, Offset.Beginning)]);
        var values = new List<string>();
        var deadline = DateTime.UtcNow + Timeout;
        while (values.Count < 100 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
            {
                values.Add(record.Message.Value);
            }
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(static i => $"value-{i}").Order(), values.Order());
    }
}
