using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Simulator.Tests.Admin;

namespace ReliableKafka.Simulator.Tests.Groups;

/// <summary>
/// Who may commit offsets for a classic group, request by request over a socket to the group's coordinator. Each test
/// names the test of Apache Kafka it follows (<c>OffsetMetadataManagerTest</c> and <c>ClassicGroupTest</c> in the
/// group coordinator). A refused commit leaves the committed offset as it was.
/// </summary>
public sealed class OffsetCommitConformanceTests : IAsyncLifetime
{
    private const string Topic = "ledger";
    private const short CommitVersion = 7;

    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start();
        _cluster.CreateTopic(Topic, new TopicSettings(1, 3, 2));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private Task<RawConnection> CoordinatorAsync(string group)
    {
        var broker = _cluster.Brokers.Single(b => b.Id == _cluster.Handler.CoordinatorOf(group));
        return RawConnection.ConnectAsync(broker.Host, broker.Port);
    }

    /// <summary>Joins as the group's only member (KIP-394: the first join hands out the member id) and returns the completed join.</summary>
    private static async Task<JoinGroupResponse> JoinAsync(RawConnection connection, string group, string? instanceId = null)
    {
        JoinGroupRequest Request(string memberId) => new()
        {
            GroupId = group,
            SessionTimeoutMs = 30000,
            RebalanceTimeoutMs = 30000,
            MemberId = memberId,
            GroupInstanceId = instanceId,
            ProtocolType = "consumer",
            Protocols = [new() { Name = "range", Metadata = new byte[] { 0, 1 } }],
        };

        var first = await connection.SendAsync<JoinGroupRequest, JoinGroupResponse>(Request(string.Empty), 5);
        Assert.Equal(KafkaErrorCode.MemberIdRequired, first.ErrorCode);
        var joined = await connection.SendAsync<JoinGroupRequest, JoinGroupResponse>(Request(first.MemberId), 5);
        Assert.Equal((KafkaErrorCode.None, first.MemberId), (joined.ErrorCode, joined.Leader));
        return joined;
    }

    /// <summary>The leader's SyncGroup: the group becomes Stable.</summary>
    private static async Task SyncAsync(RawConnection connection, string group, JoinGroupResponse joined, string? instanceId = null)
    {
        var synced = await connection.SendAsync<SyncGroupRequest, SyncGroupResponse>(new SyncGroupRequest
        {
            GroupId = group,
            GenerationId = joined.GenerationId,
            MemberId = joined.MemberId,
            GroupInstanceId = instanceId,
            Assignments = [new() { MemberId = joined.MemberId, Assignment = new byte[] { 0 } }],
        }, 3);
        Assert.Equal(KafkaErrorCode.None, synced.ErrorCode);
    }

    private static async Task<KafkaErrorCode> CommitAsync(RawConnection connection, string group, long offset, string memberId = "", int generation = -1, string? instanceId = null)
    {
        var response = await connection.SendAsync<OffsetCommitRequest, OffsetCommitResponse>(new OffsetCommitRequest
        {
            GroupId = group,
            MemberId = memberId,
            GenerationIdOrMemberEpoch = generation,
            GroupInstanceId = instanceId,
            Topics = [new() { Name = Topic, Partitions = [new() { PartitionIndex = 0, CommittedOffset = offset }] }],
        }, CommitVersion);
        return Assert.Single(Assert.Single(response.Topics).Partitions).ErrorCode;
    }

    private static async Task<long> CommittedAsync(RawConnection connection, string group)
    {
        var response = await connection.SendAsync<OffsetFetchRequest, OffsetFetchResponse>(
            new OffsetFetchRequest { GroupId = group, Topics = [new() { Name = Topic, PartitionIndexes = [0] }] }, 5);
        var partition = Assert.Single(Assert.Single(response.Topics).Partitions);
        Assert.Equal(KafkaErrorCode.None, partition.ErrorCode);
        return partition.CommittedOffset;
    }

    /// <summary>A stable group of one member: the connection, its join and its committed offset 5.</summary>
    private async Task<(RawConnection Connection, JoinGroupResponse Member)> StableGroupAsync(string group, string? instanceId = null)
    {
        var connection = await CoordinatorAsync(group);
        var joined = await JoinAsync(connection, group, instanceId);
        await SyncAsync(connection, group, joined, instanceId);
        Assert.Equal(KafkaErrorCode.None, await CommitAsync(connection, group, 5, joined.MemberId, joined.GenerationId, instanceId));
        return (connection, joined);
    }

    /// <summary>
    /// OffsetMetadataManagerTest.testOffsetCommitWithUnknownGroup: a commit with a member id and generation for a group the
    /// coordinator does not know is ILLEGAL_GENERATION below v9 (GROUP_ID_NOT_FOUND from v9, which is not advertised).
    /// </summary>
    [Fact]
    public async Task A_commit_with_a_generation_for_an_unknown_group_is_ILLEGAL_GENERATION()
    {
        await using var connection = await CoordinatorAsync("unknown");

        Assert.Equal(KafkaErrorCode.IllegalGeneration, await CommitAsync(connection, "unknown", 100, "member", 10));
        Assert.Equal(-1, await CommittedAsync(connection, "unknown"));
    }

    /// <summary>OffsetMetadataManagerTest.testGenericGroupOffsetCommitWithUnknownMemberId: an empty group refuses a member it does not have.</summary>
    [Fact]
    public async Task A_commit_by_an_unknown_member_of_an_empty_group_is_UNKNOWN_MEMBER_ID()
    {
        await using var connection = await CoordinatorAsync("empty");
        Assert.Equal(KafkaErrorCode.None, await CommitAsync(connection, "empty", 3));

        Assert.Equal(KafkaErrorCode.UnknownMemberId, await CommitAsync(connection, "empty", 100, "member", 10));
        Assert.Equal(3, await CommittedAsync(connection, "empty"));
    }

    /// <summary>OffsetMetadataManagerTest.testGenericGroupOffsetCommitWithIllegalGeneration: a member with another generation is refused.</summary>
    [Fact]
    public async Task A_commit_by_a_member_with_another_generation_is_ILLEGAL_GENERATION()
    {
        var (connection, member) = await StableGroupAsync("generations");
        await using (connection)
        {
            Assert.Equal(KafkaErrorCode.IllegalGeneration, await CommitAsync(connection, "generations", 100, member.MemberId, member.GenerationId + 9));
            Assert.Equal(KafkaErrorCode.IllegalGeneration, await CommitAsync(connection, "generations", 100, member.MemberId, -1));
            Assert.Equal(5, await CommittedAsync(connection, "generations"));
        }
    }

    /// <summary>
    /// OffsetMetadataManagerTest.testGenericGroupOffsetCommitWithoutMemberIdAndGeneration (and the "no parameters and the
    /// group is not empty" step of ClassicGroupTest.testValidateOffsetCommit): without member id and generation a commit
    /// is refused while the group has members, also when it names a group instance id.
    /// </summary>
    [Fact]
    public async Task A_commit_without_member_id_and_generation_is_UNKNOWN_MEMBER_ID_while_the_group_has_members()
    {
        var (connection, _) = await StableGroupAsync("members");
        await using (connection)
        {
            Assert.Equal(KafkaErrorCode.UnknownMemberId, await CommitAsync(connection, "members", 100));
            Assert.Equal(KafkaErrorCode.UnknownMemberId, await CommitAsync(connection, "members", 100, instanceId: string.Empty));
            Assert.Equal(5, await CommittedAsync(connection, "members"));
        }
    }

    /// <summary>OffsetMetadataManagerTest.testGenericGroupOffsetCommitWithUnknownInstanceId: an instance id no member has is refused.</summary>
    [Fact]
    public async Task A_commit_naming_an_instance_id_no_member_has_is_UNKNOWN_MEMBER_ID()
    {
        var (connection, member) = await StableGroupAsync("dynamic");
        await using (connection)
        {
            Assert.Equal(KafkaErrorCode.UnknownMemberId, await CommitAsync(connection, "dynamic", 100, member.MemberId, member.GenerationId, "instanceid"));
            Assert.Equal(5, await CommittedAsync(connection, "dynamic"));
        }
    }

    /// <summary>
    /// ClassicGroupTest.testValidateOffsetCommit ("the old instance id should be fenced"): a static member's instance id
    /// used with another member id is FENCED_INSTANCE_ID, while the member that holds it commits.
    /// </summary>
    [Fact]
    public async Task A_commit_with_a_static_members_instance_id_and_another_member_id_is_FENCED_INSTANCE_ID()
    {
        var (connection, member) = await StableGroupAsync("static", "instance-id");
        await using (connection)
        {
            Assert.Equal(KafkaErrorCode.FencedInstanceId, await CommitAsync(connection, "static", 100, "member-id", member.GenerationId, "instance-id"));
            Assert.Equal(5, await CommittedAsync(connection, "static"));

            Assert.Equal(KafkaErrorCode.None, await CommitAsync(connection, "static", 6, member.MemberId, member.GenerationId, "instance-id"));
            Assert.Equal(6, await CommittedAsync(connection, "static"));
        }
    }

    /// <summary>
    /// OffsetMetadataManagerTest.testGenericGroupOffsetCommitWhileInCompletingRebalanceState: a member with the new
    /// generation commits before the leader's SyncGroup: REBALANCE_IN_PROGRESS, so it commits again once Stable.
    /// </summary>
    [Fact]
    public async Task A_commit_while_the_group_completes_a_rebalance_is_REBALANCE_IN_PROGRESS()
    {
        await using var connection = await CoordinatorAsync("rebalancing");
        var joined = await JoinAsync(connection, "rebalancing");

        Assert.Equal(KafkaErrorCode.RebalanceInProgress, await CommitAsync(connection, "rebalancing", 100, joined.MemberId, joined.GenerationId));
        Assert.Equal(-1, await CommittedAsync(connection, "rebalancing"));

        await SyncAsync(connection, "rebalancing", joined);
        Assert.Equal(KafkaErrorCode.None, await CommitAsync(connection, "rebalancing", 100, joined.MemberId, joined.GenerationId));
        Assert.Equal(100, await CommittedAsync(connection, "rebalancing"));
    }

    /// <summary>
    /// OffsetMetadataManagerTest.testSimpleGroupOffsetCommitWithInstanceId: a commit without member id and generation
    /// creates a "simple" group and is accepted; the instance id it names is ignored.
    /// </summary>
    [Fact]
    public async Task A_commit_without_generation_creates_a_simple_group_and_ignores_its_instance_id()
    {
        await using var connection = await CoordinatorAsync("simple");

        Assert.Equal(KafkaErrorCode.None, await CommitAsync(connection, "simple", 100, instanceId: "instance-id"));
        Assert.Equal(100, await CommittedAsync(connection, "simple"));
        Assert.Equal(GroupState.Empty, _cluster.Handler.Groups.Describe("simple")!.State);
    }
}
