using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Admin;

/// <summary>The admin APIs at the wire: every advertised version, and the cases the AdminClient never sends.</summary>
public sealed class AdminWireTests : IAsyncLifetime
{
    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Task<RawConnection> ConnectAsync(int brokerId)
    {
        var broker = _cluster.Describe().Brokers.Single(b => b.Id == brokerId);
        return RawConnection.ConnectAsync(broker.Host, broker.Port);
    }

    private static CreateTopicsRequest.CreatableTopic Topic(string name, int partitions, short replicationFactor, params (string Name, string? Value)[] configs) => new()
    {
        Name = name,
        NumPartitions = partitions,
        ReplicationFactor = replicationFactor,
        Configs = [.. configs.Select(static c => new CreateTopicsRequest.CreatableTopicConfig { Name = c.Name, Value = c.Value })],
    };

    private static Task<CreateTopicsResponse> CreateAsync(RawConnection connection, short version, params CreateTopicsRequest.CreatableTopic[] topics) =>
        connection.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(new CreateTopicsRequest { Topics = [.. topics], TimeoutMs = 5000 }, version);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Every_CreateTopics_version_creates_and_reports_errors(short version)
    {
        await using var controller = await ConnectAsync(_cluster.ControllerId);

        var response = await CreateAsync(controller, version, Topic("fresh", 2, 2), Topic("fresh", 2, 2), Topic("zero", 0, 1), Topic("no-replicas", 1, 0), Topic("null-config", 1, 1, ("retention.ms", null)));

        var results = response.Topics.ToDictionary(static t => t.Name);
        Assert.Equal(["fresh", "zero", "no-replicas", "null-config"], response.Topics.Select(static t => t.Name));
        Assert.Equal(KafkaErrorCode.InvalidRequest, results["fresh"].ErrorCode);
        Assert.Equal(KafkaErrorCode.InvalidPartitions, results["zero"].ErrorCode);
        Assert.Equal(KafkaErrorCode.InvalidReplicationFactor, results["no-replicas"].ErrorCode);
        Assert.Equal(KafkaErrorCode.InvalidConfig, results["null-config"].ErrorCode);
        Assert.All(response.Topics, t => Assert.Equal(version >= 1, t.ErrorMessage is not null));

        var created = await CreateAsync(controller, version, Topic("made", 2, 2));
        var made = Assert.Single(created.Topics);
        Assert.Equal(KafkaErrorCode.None, made.ErrorCode);
        Assert.Null(made.ErrorMessage);
        var topic = Assert.Single(_cluster.Describe().Topics);
        Assert.Equal(("made", 2, 2), (topic.Name, topic.Partitions.Count, topic.Settings.ReplicationFactor));
    }

    [Fact]
    public async Task Only_the_controller_creates_and_deletes_topics()
    {
        var other = _cluster.BrokerIds.First(id => id != _cluster.ControllerId);
        await using var follower = await ConnectAsync(other);

        var create = await CreateAsync(follower, 4, Topic("elsewhere", 1, 1));
        var delete = await follower.SendAsync<DeleteTopicsRequest, DeleteTopicsResponse>(new DeleteTopicsRequest { TopicNames = ["elsewhere"] }, 3);

        Assert.Equal(KafkaErrorCode.NotController, Assert.Single(create.Topics).ErrorCode);
        Assert.Equal(KafkaErrorCode.NotController, Assert.Single(delete.Responses).ErrorCode);
        Assert.Empty(_cluster.Describe().Topics);
    }

    [Fact]
    public async Task Explicit_replica_assignments_are_refused_with_a_message()
    {
        await using var controller = await ConnectAsync(_cluster.ControllerId);
        var topic = Topic("placed", -1, -1);
        topic.Assignments = [new CreateTopicsRequest.CreatableReplicaAssignment { PartitionIndex = 0, BrokerIds = [1, 2] }];

        var response = await CreateAsync(controller, 4, topic);

        var result = Assert.Single(response.Topics);
        Assert.Equal(KafkaErrorCode.InvalidRequest, result.ErrorCode);
        Assert.Contains("replica assignments", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(_cluster.Describe().Topics);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_DeleteTopics_version_deletes_known_topics(short version)
    {
        _cluster.CreateTopic("doomed", new TopicSettings(2, 3, 2));
        await using var controller = await ConnectAsync(_cluster.ControllerId);

        var response = await controller.SendAsync<DeleteTopicsRequest, DeleteTopicsResponse>(new DeleteTopicsRequest { TopicNames = ["doomed", "never-was"], TimeoutMs = 5000 }, version);

        Assert.Equal(
            [("doomed", KafkaErrorCode.None), ("never-was", KafkaErrorCode.UnknownTopicOrPartition)],
            response.Responses.Select(static r => (r.Name, r.ErrorCode)));
        Assert.Empty(_cluster.Describe().Topics);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Every_DescribeConfigs_version_reports_sources_filters_keys_and_rejects_bad_resources(short version)
    {
        _cluster.CreateTopic("tuned", new TopicSettings(1, 3, 2));
        await using var broker = await ConnectAsync(3);
        var request = new DescribeConfigsRequest
        {
            IncludeSynonyms = true,
            Resources =
            [
                new() { ResourceType = 2, ResourceName = "tuned", ConfigurationKeys = null },
                new() { ResourceType = 2, ResourceName = "tuned", ConfigurationKeys = ["max.message.bytes", "no.such.config"] },
                new() { ResourceType = 2, ResourceName = "absent", ConfigurationKeys = null },
                new() { ResourceType = 4, ResourceName = "3", ConfigurationKeys = ["broker.id"] },
                new() { ResourceType = 4, ResourceName = "1", ConfigurationKeys = null },
                new() { ResourceType = 8, ResourceName = "3", ConfigurationKeys = null },
            ],
        };

        var response = await broker.SendAsync<DescribeConfigsRequest, DescribeConfigsResponse>(request, version);

        Assert.Equal(
            [KafkaErrorCode.None, KafkaErrorCode.None, KafkaErrorCode.UnknownTopicOrPartition, KafkaErrorCode.None, KafkaErrorCode.InvalidRequest, KafkaErrorCode.InvalidRequest],
            response.Results.Select(static r => r.ErrorCode));
        var all = response.Results[0].Configs.ToDictionary(static c => c.Name);
        Assert.Equal(["cleanup.policy", "max.message.bytes", "min.insync.replicas", "retention.ms", "unclean.leader.election.enable"], all.Keys);
        Assert.Equal("2", all["min.insync.replicas"].Value);
        Assert.Equal(version >= 1 ? (sbyte)1 : (sbyte)-1, all["min.insync.replicas"].ConfigSource);
        Assert.Equal(version >= 1 ? (sbyte)5 : (sbyte)-1, all["max.message.bytes"].ConfigSource);
        Assert.Equal(version == 0, all["max.message.bytes"].IsDefault);
        Assert.False(all["min.insync.replicas"].IsDefault);
        Assert.Equal(version >= 1 ? ["min.insync.replicas", "min.insync.replicas"] : [], all["min.insync.replicas"].Synonyms.Select(static s => s.Name));
        Assert.Equal("max.message.bytes", Assert.Single(response.Results[1].Configs).Name);
        Assert.Equal("3", Assert.Single(response.Results[3].Configs).Value);
        Assert.NotNull(response.Results[4].ErrorMessage);
        Assert.Empty(response.Results[4].Configs);
    }
}
