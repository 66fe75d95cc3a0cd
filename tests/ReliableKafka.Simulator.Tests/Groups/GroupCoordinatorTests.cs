using System.Text;
using Microsoft.Extensions.Time.Testing;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Groups;

public sealed class GroupCoordinatorTests : IDisposable
{
    private const string Group = "g";
    private static readonly TimeSpan Session = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RebalanceTimeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _clock = new();
    private readonly GroupCoordinator _coordinator;

    public GroupCoordinatorTests() => _coordinator = new GroupCoordinator(_clock);

    public void Dispose() => _coordinator.Dispose();

    private static JoinGroupRequest JoinRequest(string memberId, params string[] protocols) => new()
    {
        GroupId = Group,
        SessionTimeoutMs = (int)Session.TotalMilliseconds,
        RebalanceTimeoutMs = (int)RebalanceTimeout.TotalMilliseconds,
        MemberId = memberId,
        ProtocolType = "consumer",
        Protocols = [.. (protocols.Length == 0 ? ["range"] : protocols).Select(p => new JoinGroupRequest.JoinGroupRequestProtocol { Name = p, Metadata = Encoding.UTF8.GetBytes($"{p}-metadata") })],
    };

    /// <summary>Gets a member id the KIP-394 way (v5 join without one) and joins with it.</summary>
    private async Task<(string MemberId, Task<JoinGroupResponse> Join)> JoinNewAsync(string clientId, params string[] protocols)
    {
        var first = await _coordinator.JoinAsync(JoinRequest(string.Empty, protocols), 5, clientId);
        Assert.Equal(KafkaErrorCode.MemberIdRequired, first.ErrorCode);
        return (first.MemberId, _coordinator.JoinAsync(JoinRequest(first.MemberId, protocols), 5, clientId));
    }

    private Task<SyncGroupResponse> Sync(string memberId, int generation, params (string MemberId, string Assignment)[] assignments) =>
        _coordinator.SyncAsync(new SyncGroupRequest
        {
            GroupId = Group,
            GenerationId = generation,
            MemberId = memberId,
            Assignments = [.. assignments.Select(static a => new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = a.MemberId, Assignment = Encoding.UTF8.GetBytes(a.Assignment) })],
        });

    private KafkaErrorCode Heartbeat(string memberId, int generation) =>
        _coordinator.Heartbeat(new HeartbeatRequest { GroupId = Group, GenerationId = generation, MemberId = memberId }).ErrorCode;

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>A and B in a stable group at generation 2 (A leads).</summary>
    private async Task<(string A, string B, int Generation)> StableGroupOfTwoAsync()
    {
        var (a, joinA) = await JoinNewAsync("a");
        var first = await joinA;
        Assert.Equal("x", Text((await Sync(a, first.GenerationId, (a, "x"))).Assignment));

        var (b, joinB) = await JoinNewAsync("b");
        Assert.False(joinB.IsCompleted);
        Assert.Equal(KafkaErrorCode.RebalanceInProgress, Heartbeat(a, first.GenerationId));
        var rejoinA = await _coordinator.JoinAsync(JoinRequest(a), 5, "a");
        var joinedB = await joinB;
        var syncB = Sync(b, joinedB.GenerationId);
        Assert.Equal(KafkaErrorCode.None, (await Sync(a, rejoinA.GenerationId, (a, "a-part"), (b, "b-part"))).ErrorCode);
        Assert.Equal("b-part", Text((await syncB).Assignment));
        return (a, b, rejoinA.GenerationId);
    }

    [Fact]
    public async Task A_v4_join_without_a_member_id_gets_MEMBER_ID_REQUIRED_then_joins_with_that_id()
    {
        var first = await _coordinator.JoinAsync(JoinRequest(string.Empty), 4, "client-1");

        Assert.Equal(KafkaErrorCode.MemberIdRequired, first.ErrorCode);
        Assert.StartsWith("client-1-", first.MemberId, StringComparison.Ordinal);
        Assert.Null(_coordinator.Describe(Group)!.Leader);

        var joined = await _coordinator.JoinAsync(JoinRequest(first.MemberId), 4, "client-1");

        Assert.Equal(KafkaErrorCode.None, joined.ErrorCode);
        Assert.Equal((1, first.MemberId, first.MemberId, "range"), (joined.GenerationId, joined.MemberId, joined.Leader, joined.ProtocolName));
        var member = Assert.Single(joined.Members);
        Assert.Equal((first.MemberId, "range-metadata"), (member.MemberId, Text(member.Metadata)));
    }

    [Fact]
    public async Task A_v3_join_without_a_member_id_is_assigned_one_directly()
    {
        var joined = await _coordinator.JoinAsync(JoinRequest(string.Empty), 3, "old-client");

        Assert.Equal(KafkaErrorCode.None, joined.ErrorCode);
        Assert.StartsWith("old-client-", joined.MemberId, StringComparison.Ordinal);
        Assert.Equal(1, joined.GenerationId);
    }

    [Fact]
    public async Task A_join_with_a_member_id_the_coordinator_never_issued_gets_UNKNOWN_MEMBER_ID()
    {
        var joined = await _coordinator.JoinAsync(JoinRequest("made-up"), 5, "c");

        Assert.Equal(KafkaErrorCode.UnknownMemberId, joined.ErrorCode);
    }

    [Fact]
    public async Task A_new_member_starts_a_rebalance_that_bumps_the_generation_once_everyone_rejoined()
    {
        var (a, b, generation) = await StableGroupOfTwoAsync();

        var group = _coordinator.Describe(Group)!;
        Assert.Equal((GroupState.Stable, 2, a), (group.State, group.Generation, group.Leader));
        Assert.Equal([a, b], group.Members);
        Assert.Equal(2, generation);
        Assert.Equal(KafkaErrorCode.None, Heartbeat(a, generation));
        Assert.Equal(KafkaErrorCode.None, Heartbeat(b, generation));
    }

    [Fact]
    public async Task Only_the_leader_gets_the_member_list()
    {
        var (a, joinA) = await JoinNewAsync("a");
        var generation = (await joinA).GenerationId;
        await Sync(a, generation, (a, "x"));
        var (b, joinB) = await JoinNewAsync("b");

        var leader = await _coordinator.JoinAsync(JoinRequest(a), 5, "a");
        var follower = await joinB;

        Assert.Equal([a, b], leader.Members.Select(static m => m.MemberId));
        Assert.Empty(follower.Members);
        Assert.Equal((a, a), (leader.Leader, follower.Leader));
        Assert.Equal(leader.GenerationId, follower.GenerationId);
    }

    [Fact]
    public async Task Followers_wait_for_the_leaders_sync_and_each_gets_its_own_assignment()
    {
        var (a, joinA) = await JoinNewAsync("a");
        var (b, joinB) = await JoinNewAsync("b");
        var generation = (await joinA).GenerationId;
        Assert.Equal(KafkaErrorCode.RebalanceInProgress, Heartbeat(a, generation));
        var joined = await _coordinator.JoinAsync(JoinRequest(a), 5, "a");
        await joinB;

        var follower = Sync(b, joined.GenerationId);
        Assert.False(follower.IsCompleted);
        var leader = await Sync(a, joined.GenerationId, (a, "for-a"), (b, "for-b"));

        Assert.Equal("for-a", Text(leader.Assignment));
        Assert.Equal("for-b", Text((await follower).Assignment));
        Assert.Equal(GroupState.Stable, _coordinator.Describe(Group)!.State);
    }

    [Fact]
    public async Task Requests_with_an_old_generation_get_ILLEGAL_GENERATION()
    {
        var (a, _, generation) = await StableGroupOfTwoAsync();

        Assert.Equal(KafkaErrorCode.IllegalGeneration, Heartbeat(a, generation - 1));
        Assert.Equal(KafkaErrorCode.IllegalGeneration, (await Sync(a, generation - 1)).ErrorCode);
        Assert.Equal(KafkaErrorCode.IllegalGeneration, Commit(a, generation - 1, 5));
    }

    [Fact]
    public async Task Requests_from_unknown_members_get_UNKNOWN_MEMBER_ID()
    {
        var (_, _, generation) = await StableGroupOfTwoAsync();

        Assert.Equal(KafkaErrorCode.UnknownMemberId, Heartbeat("stranger", generation));
        Assert.Equal(KafkaErrorCode.UnknownMemberId, (await Sync("stranger", generation)).ErrorCode);
        Assert.Equal(KafkaErrorCode.UnknownMemberId, Commit("stranger", generation, 5));
        Assert.Equal(KafkaErrorCode.UnknownMemberId, _coordinator.Leave(new LeaveGroupRequest { GroupId = Group, MemberId = "stranger" }).ErrorCode);
    }

    [Fact]
    public async Task SyncGroup_while_the_group_is_rebalancing_gets_REBALANCE_IN_PROGRESS()
    {
        var (a, b, generation) = await StableGroupOfTwoAsync();

        _ = _coordinator.JoinAsync(JoinRequest(string.Empty), 3, "c");

        Assert.Equal(GroupState.PreparingRebalance, _coordinator.Describe(Group)!.State);
        Assert.Equal(KafkaErrorCode.RebalanceInProgress, (await Sync(a, generation)).ErrorCode);
        Assert.Equal(KafkaErrorCode.RebalanceInProgress, Heartbeat(b, generation));
    }

    [Fact]
    public async Task The_protocol_chosen_is_the_leaders_first_that_every_member_supports()
    {
        var (a, joinA) = await JoinNewAsync("a", "range", "roundrobin");
        await Sync(a, (await joinA).GenerationId);
        var (_, joinB) = await JoinNewAsync("b", "cooperative-sticky", "roundrobin");

        var joined = await _coordinator.JoinAsync(JoinRequest(a, "range", "roundrobin"), 5, "a");

        Assert.Equal("roundrobin", joined.ProtocolName);
        Assert.Equal("roundrobin", (await joinB).ProtocolName);
        Assert.All(joined.Members, static m => Assert.Equal("roundrobin-metadata", Text(m.Metadata)));
    }

    [Fact]
    public async Task A_member_with_no_protocol_in_common_gets_INCONSISTENT_GROUP_PROTOCOL()
    {
        var (a, joinA) = await JoinNewAsync("a", "range");
        await Sync(a, (await joinA).GenerationId);

        var other = await _coordinator.JoinAsync(JoinRequest(string.Empty, "sticky"), 5, "b");
        var otherType = JoinRequest(string.Empty);
        otherType.ProtocolType = "connect";

        Assert.Equal(KafkaErrorCode.InconsistentGroupProtocol, other.ErrorCode);
        Assert.Equal(KafkaErrorCode.InconsistentGroupProtocol, (await _coordinator.JoinAsync(otherType, 5, "c")).ErrorCode);
        Assert.Equal(GroupState.Stable, _coordinator.Describe(Group)!.State);
    }

    [Fact]
    public async Task A_member_without_heartbeats_is_removed_after_its_session_timeout_and_the_group_rebalances()
    {
        var (a, b, generation) = await StableGroupOfTwoAsync();

        for (var i = 0; i < 2; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(KafkaErrorCode.None, Heartbeat(a, generation));
        }

        _clock.Advance(TimeSpan.FromSeconds(1.5));

        Assert.Equal(GroupState.PreparingRebalance, _coordinator.Describe(Group)!.State);
        Assert.Equal([a], _coordinator.Describe(Group)!.Members);
        Assert.Equal(KafkaErrorCode.UnknownMemberId, Heartbeat(b, generation));
        Assert.Equal(KafkaErrorCode.RebalanceInProgress, Heartbeat(a, generation));

        var rejoined = await _coordinator.JoinAsync(JoinRequest(a), 5, "a");

        Assert.Equal((generation + 1, a), (rejoined.GenerationId, rejoined.Leader));
        Assert.Equal([a], rejoined.Members.Select(static m => m.MemberId));
    }

    [Fact]
    public async Task Heartbeats_keep_a_member_in_for_longer_than_its_session_timeout()
    {
        var (a, b, generation) = await StableGroupOfTwoAsync();

        for (var i = 0; i < 20; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(KafkaErrorCode.None, Heartbeat(a, generation));
            Assert.Equal(KafkaErrorCode.None, Heartbeat(b, generation));
        }

        Assert.Equal((GroupState.Stable, generation), (_coordinator.Describe(Group)!.State, _coordinator.Describe(Group)!.Generation));
    }

    [Fact]
    public async Task Members_that_do_not_rejoin_within_the_rebalance_timeout_are_dropped()
    {
        var (a, b, generation) = await StableGroupOfTwoAsync();
        var (c, joinC) = await JoinNewAsync("c");
        var joinA = _coordinator.JoinAsync(JoinRequest(a), 5, "a");

        // B keeps its session alive but never rejoins.
        for (var i = 0; i < RebalanceTimeout.TotalSeconds - 1; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(KafkaErrorCode.RebalanceInProgress, Heartbeat(b, generation));
        }

        Assert.False(joinA.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(2));

        var joined = await joinA;
        Assert.Equal(generation + 1, joined.GenerationId);
        Assert.Equal([a, c], joined.Members.Select(static m => m.MemberId));
        Assert.Equal(generation + 1, (await joinC).GenerationId);
        Assert.Equal(KafkaErrorCode.UnknownMemberId, Heartbeat(b, generation));
    }

    [Fact]
    public async Task A_leader_that_never_syncs_expires_and_the_waiting_followers_are_told_to_rejoin()
    {
        var (a, joinA) = await JoinNewAsync("a");
        var (b, joinB) = await JoinNewAsync("b");
        var generation = (await joinA).GenerationId;
        _ = Heartbeat(a, generation);
        var rejoined = await _coordinator.JoinAsync(JoinRequest(a), 5, "a");
        await joinB;
        var follower = Sync(b, rejoined.GenerationId);

        _clock.Advance(Session + TimeSpan.FromMilliseconds(10));

        Assert.Equal(KafkaErrorCode.RebalanceInProgress, (await follower).ErrorCode);
        Assert.Equal([b], _coordinator.Describe(Group)!.Members);
    }

    [Fact]
    public async Task Leaving_triggers_a_rebalance_and_the_last_member_leaving_empties_the_group()
    {
        var (a, b, generation) = await StableGroupOfTwoAsync();

        Assert.Equal(KafkaErrorCode.None, _coordinator.Leave(new LeaveGroupRequest { GroupId = Group, MemberId = b }).ErrorCode);
        Assert.Equal(KafkaErrorCode.RebalanceInProgress, Heartbeat(a, generation));
        var joined = await _coordinator.JoinAsync(JoinRequest(a), 5, "a");
        Assert.Equal([a], joined.Members.Select(static m => m.MemberId));
        await Sync(a, joined.GenerationId, (a, "everything"));

        Assert.Equal(KafkaErrorCode.None, _coordinator.Leave(new LeaveGroupRequest { GroupId = Group, MemberId = a }).ErrorCode);

        var group = _coordinator.Describe(Group)!;
        Assert.Equal((GroupState.Empty, joined.GenerationId + 1), (group.State, group.Generation));
        Assert.Empty(group.Members);
    }

    [Fact]
    public async Task The_initial_rebalance_delay_holds_the_first_join_while_members_keep_arriving()
    {
        _coordinator.Options.InitialRebalanceDelay = TimeSpan.FromSeconds(3);
        var first = _coordinator.JoinAsync(JoinRequest(string.Empty), 3, "a");
        _clock.Advance(TimeSpan.FromSeconds(2));
        var second = _coordinator.JoinAsync(JoinRequest(string.Empty), 3, "b");

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(first.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(1.1));

        Assert.Equal(1, (await first).GenerationId);
        Assert.Equal(1, (await second).GenerationId);
        Assert.Equal(2, (await first).Members.Count);
    }

    [Fact]
    public async Task A_session_timeout_outside_the_brokers_bounds_gets_INVALID_SESSION_TIMEOUT()
    {
        _coordinator.Options.MinSessionTimeout = TimeSpan.FromSeconds(6);
        var request = JoinRequest(string.Empty);
        request.SessionTimeoutMs = 5999;

        Assert.Equal(KafkaErrorCode.InvalidSessionTimeout, (await _coordinator.JoinAsync(request, 5, "c")).ErrorCode);
    }

    [Fact]
    public void Offsets_committed_without_a_generation_are_fetched_back_and_unknown_ones_are_minus_one()
    {
        Assert.Equal(KafkaErrorCode.None, Commit(string.Empty, -1, 42, metadata: "hello"));

        var fetched = Fetch([new OffsetFetchRequest.OffsetFetchRequestTopic { Name = "orders", PartitionIndexes = [0, 1] }]);
        var partitions = Assert.Single(fetched.Topics).Partitions;

        Assert.Equal((42L, "hello", KafkaErrorCode.None), (partitions[0].CommittedOffset, partitions[0].Metadata, partitions[0].ErrorCode));
        Assert.Equal((-1L, KafkaErrorCode.None), (partitions[1].CommittedOffset, partitions[1].ErrorCode));
        Assert.Equal(-1, Assert.Single(Assert.Single(Fetch([new() { Name = "orders", PartitionIndexes = [0] }], group: "other").Topics).Partitions).CommittedOffset);
    }

    [Fact]
    public void OffsetFetch_with_null_topics_returns_every_committed_offset()
    {
        Commit(string.Empty, -1, 7, topic: "b-topic");
        Commit(string.Empty, -1, 9, topic: "a-topic", partition: 1);
        Commit(string.Empty, -1, 8, topic: "a-topic", partition: 0);

        var fetched = Fetch(null);

        Assert.Equal(["a-topic", "b-topic"], fetched.Topics.Select(static t => t.Name));
        Assert.Equal([(0, 8L), (1, 9L)], fetched.Topics[0].Partitions.Select(static p => (p.PartitionIndex, p.CommittedOffset)));
    }

    [Fact]
    public void Commits_to_unknown_partitions_or_with_oversized_metadata_are_rejected_per_partition()
    {
        Assert.Equal(KafkaErrorCode.UnknownTopicOrPartition, Commit(string.Empty, -1, 1, topic: "missing"));
        Assert.Equal(KafkaErrorCode.OffsetMetadataTooLarge, Commit(string.Empty, -1, 1, metadata: new string('m', 4097)));
        Assert.Null(_coordinator.Committed(Group, "orders", 0));
    }

    /// <summary>
    /// OffsetMetadataManagerTest.testGenericGroupOffsetCommitMaintainsSession: an accepted commit counts as a heartbeat,
    /// so the member's session runs from the commit; without a heartbeat after it, the session lapses.
    /// </summary>
    [Fact]
    public async Task A_commit_keeps_the_members_session_alive_like_a_heartbeat()
    {
        var (a, b, generation) = await StableGroupOfTwoAsync();

        _clock.Advance(Session / 2);
        Assert.Equal(KafkaErrorCode.None, Heartbeat(a, generation));
        Assert.Equal(KafkaErrorCode.None, Commit(b, generation, 11));
        _clock.Advance(Session / 2);
        Assert.Equal(KafkaErrorCode.None, Heartbeat(a, generation));
        _clock.Advance(Session / 4);

        Assert.Equal([a, b], _coordinator.Describe(Group)!.Members);
        Assert.Equal(GroupState.Stable, _coordinator.Describe(Group)!.State);

        Assert.Equal(KafkaErrorCode.None, Heartbeat(a, generation));
        _clock.Advance(Session / 2);

        Assert.Equal([a], _coordinator.Describe(Group)!.Members);
        Assert.Equal(KafkaErrorCode.UnknownMemberId, Commit(b, generation, 12));
        Assert.Equal(11, _coordinator.Committed(Group, "orders", 0)!.Offset);
    }

    [Fact]
    public async Task A_member_commits_with_its_generation_during_a_rebalance_but_not_while_awaiting_its_assignment()
    {
        var (a, joinA) = await JoinNewAsync("a");
        var generation = (await joinA).GenerationId;

        Assert.Equal(KafkaErrorCode.RebalanceInProgress, Commit(a, generation, 3));
        await Sync(a, generation, (a, "x"));
        Assert.Equal(KafkaErrorCode.None, Commit(a, generation, 3));
        _ = _coordinator.JoinAsync(JoinRequest(string.Empty), 3, "b");
        Assert.Equal(KafkaErrorCode.None, Commit(a, generation, 4));

        Assert.Equal(4, _coordinator.Committed(Group, "orders", 0)!.Offset);
    }

    private KafkaErrorCode Commit(string memberId, int generation, long offset, string topic = "orders", int partition = 0, string? metadata = null)
    {
        var response = _coordinator.Commit(
            new OffsetCommitRequest
            {
                GroupId = Group,
                GenerationIdOrMemberEpoch = generation,
                MemberId = memberId,
                Topics = [new() { Name = topic, Partitions = [new() { PartitionIndex = partition, CommittedOffset = offset, CommittedMetadata = metadata }] }],
            },
            static (t, _) => t != "missing");
        return Assert.Single(Assert.Single(response.Topics).Partitions).ErrorCode;
    }

    private OffsetFetchResponse Fetch(List<OffsetFetchRequest.OffsetFetchRequestTopic>? topics, string group = Group) =>
        _coordinator.FetchOffsets(new OffsetFetchRequest { GroupId = group, Topics = topics });
}
