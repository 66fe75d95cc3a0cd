using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Groups;

/// <summary>The group APIs through the request handler: frames in, frames out, one broker at a time.</summary>
public sealed class GroupRequestHandlerTests : IAsyncLifetime
{
    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<TResponse> SendAsync<TRequest, TResponse>(int brokerId, TRequest request, short version)
        where TRequest : IKafkaMessage<TRequest>
        where TResponse : IKafkaMessage<TResponse>
    {
        using var writer = new KafkaWriter();
        KafkaFrame.WriteRequest(writer, version, 7, "tests", request);
        var broker = _cluster.Brokers.Single(b => b.Id == brokerId);
        var header = KafkaFrame.ReadRequestHeader(writer.WrittenMemory[4..], out var requestBody);
        using var response = await _cluster.Handler.HandleAsync(broker, header, requestBody, CancellationToken.None);
        var body = KafkaFrame.ReadResponse<TResponse>(response!.WrittenMemory[4..], version, out var correlationId);
        Assert.Equal(7, correlationId);
        return body;
    }

    private Task<FindCoordinatorResponse> FindAsync(int brokerId, string group) =>
        SendAsync<FindCoordinatorRequest, FindCoordinatorResponse>(brokerId, new FindCoordinatorRequest { Key = group, KeyType = 0 }, 2);

    private async Task<KafkaErrorCode> CommitAsync(int brokerId, string group, long offset)
    {
        var response = await SendAsync<OffsetCommitRequest, OffsetCommitResponse>(
            brokerId,
            new OffsetCommitRequest { GroupId = group, Topics = [new() { Name = "orders", Partitions = [new() { PartitionIndex = 0, CommittedOffset = offset }] }] },
            7);
        return Assert.Single(Assert.Single(response.Topics).Partitions).ErrorCode;
    }

    private async Task<OffsetFetchResponse> FetchAsync(int brokerId, string group) =>
        await SendAsync<OffsetFetchRequest, OffsetFetchResponse>(brokerId, new OffsetFetchRequest { GroupId = group, Topics = [new() { Name = "orders", PartitionIndexes = [0] }] }, 5);

    [Fact]
    public void The_group_apis_are_advertised_with_their_non_flexible_versions()
    {
        var advertised = ApiRegistry.Ranges.ToDictionary(static a => a.ApiKey, static a => (a.MinVersion, a.MaxVersion));

        Assert.Equal(((short)0, (short)2), advertised[ApiKey.FindCoordinator]);
        Assert.Equal(((short)0, (short)5), advertised[ApiKey.JoinGroup]);
        Assert.Equal(((short)0, (short)3), advertised[ApiKey.SyncGroup]);
        Assert.Equal(((short)0, (short)3), advertised[ApiKey.Heartbeat]);
        Assert.Equal(((short)0, (short)2), advertised[ApiKey.LeaveGroup]);
        Assert.Equal(((short)0, (short)7), advertised[ApiKey.OffsetCommit]);
        Assert.Equal(((short)0, (short)5), advertised[ApiKey.OffsetFetch]);
    }

    [Fact]
    public async Task Every_broker_names_the_same_coordinator_and_the_others_answer_NOT_COORDINATOR()
    {
        const string Group = "payments";
        var coordinator = _cluster.Handler.CoordinatorOf(Group);
        var other = _cluster.BrokerIds.First(id => id != coordinator);

        foreach (var id in _cluster.BrokerIds)
        {
            var found = await FindAsync(id, Group);
            Assert.Equal((KafkaErrorCode.None, coordinator), (found.ErrorCode, found.NodeId));
            Assert.Equal($"{found.Host}:{found.Port}", _cluster.BootstrapServers.Split(',')[coordinator - 1]);
        }

        var join = await SendAsync<JoinGroupRequest, JoinGroupResponse>(other, new JoinGroupRequest { GroupId = Group, SessionTimeoutMs = 6000, ProtocolType = "consumer", Protocols = [new() { Name = "range" }] }, 5);
        var heartbeat = await SendAsync<HeartbeatRequest, HeartbeatResponse>(other, new HeartbeatRequest { GroupId = Group, MemberId = "m", GenerationId = 1 }, 3);
        var fetch = await FetchAsync(other, Group);

        Assert.Equal(KafkaErrorCode.NotCoordinator, join.ErrorCode);
        Assert.Equal(KafkaErrorCode.NotCoordinator, heartbeat.ErrorCode);
        Assert.Equal(KafkaErrorCode.NotCoordinator, fetch.ErrorCode);
        Assert.Equal(KafkaErrorCode.NotCoordinator, await CommitAsync(other, Group, 1));
    }

    [Fact]
    public async Task When_the_coordinator_crashes_another_broker_takes_over_with_the_committed_offsets()
    {
        const string Group = "ledger";
        _cluster.CreateTopic("orders", new TopicSettings(1, 3, 2));
        var coordinator = _cluster.Handler.CoordinatorOf(Group);
        Assert.Equal(KafkaErrorCode.None, await CommitAsync(coordinator, Group, 123));

        _cluster.CrashBroker(coordinator);
        var live = _cluster.BrokerIds.First(id => id != coordinator);
        var found = await FindAsync(live, Group);
        var fetched = await FetchAsync(found.NodeId, Group);

        Assert.Equal(KafkaErrorCode.None, found.ErrorCode);
        Assert.NotEqual(coordinator, found.NodeId);
        Assert.Equal(123, Assert.Single(Assert.Single(fetched.Topics).Partitions).CommittedOffset);
    }

    [Fact]
    public async Task With_every_broker_down_FindCoordinator_answers_COORDINATOR_NOT_AVAILABLE()
    {
        foreach (var id in _cluster.BrokerIds)
        {
            _cluster.CrashBroker(id);
        }

        var found = await FindAsync(1, "anything");

        Assert.Equal((KafkaErrorCode.CoordinatorNotAvailable, -1), (found.ErrorCode, found.NodeId));
    }
}
