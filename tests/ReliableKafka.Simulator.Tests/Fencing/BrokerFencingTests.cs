using Microsoft.Extensions.Time.Testing;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Faults;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Simulator.Tests.Admin;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Fencing;

/// <summary>
/// What Kafka's controller does with a broker that stops heartbeating (a paused process): after
/// broker.session.timeout.ms it fences the broker, removes it from every ISR and elects other leaders from the ISR;
/// when the broker heartbeats again it is unfenced and rejoins as a follower. The cluster runs on a fake clock, so the
/// session timeout passes when the test says; what changed is read from Metadata over a socket and from the ground truth.
/// </summary>
public sealed class BrokerFencingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static (SimulatedCluster Cluster, FakeTimeProvider Clock) Start(int brokers)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        return (SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = brokers, TimeProvider = clock }), clock);
    }

    private static Task<RawConnection> ConnectAsync(SimulatedCluster cluster, int brokerId)
    {
        var broker = cluster.Brokers.Single(b => b.Id == brokerId);
        return RawConnection.ConnectAsync(broker.Host, broker.Port);
    }

    private static Task<MetadataResponse> MetadataAsync(RawConnection connection, string topic) =>
        connection.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = [new() { Name = topic }], AllowAutoTopicCreation = false }, 8);

    private static bool IsFenced(SimulatedCluster cluster, int brokerId) =>
        cluster.Truth.Events.Any(e => e.Broker == brokerId && e.BrokerState == BrokerStateChange.Fenced);

    /// <summary>Pauses the brokers and lets the session timeout pass on the cluster's clock; returns the pauses.</summary>
    private static async Task<FaultHandle[]> PauseUntilFencedAsync(SimulatedCluster cluster, FakeTimeProvider clock, params int[] brokerIds)
    {
        var pauses = brokerIds.Select(id => cluster.Apply(new PauseBroker(id))).ToArray();
        Assert.DoesNotContain(brokerIds, id => IsFenced(cluster, id));
        clock.Advance(new SimulatedClusterOptions().BrokerSessionTimeout);
        await Eventually.WaitUntilAsync(() => brokerIds.All(id => IsFenced(cluster, id)), Patience, $"brokers {string.Join(",", brokerIds)} are fenced");
        return pauses;
    }

    /// <summary>
    /// ReplicationControlManagerTest.testFenceMultipleBrokers and QuorumControllerTest.testFenceMultipleBrokers: fencing
    /// two of five brokers removes them from the ISR of every partition (as leader or follower), keeps leaders that were
    /// not fenced, and gives each partition a fenced broker led a new leader: the first remaining in-sync replica in
    /// replica order. Metadata no longer lists the fenced brokers; once resumed they are unfenced and rejoin every ISR.
    /// </summary>
    [Fact]
    public async Task Fencing_brokers_removes_them_from_every_isr_and_elects_leaders_from_the_rest_of_the_isr()
    {
        var (cluster, clock) = Start(brokers: 5);
        await using var _ = cluster;
        cluster.CreateTopic("foo", new TopicSettings(5, 3, 1));
        var before = cluster.Describe().Topics.Single().Partitions;
        int[] fenced = [2, 3];
        var mark = cluster.Truth.LastSequence;

        var pauses = await PauseUntilFencedAsync(cluster, clock, fenced);

        await using var connection = await ConnectAsync(cluster, 1);
        var metadata = await MetadataAsync(connection, "foo");
        Assert.Equal([1, 4, 5], metadata.Brokers.Select(static b => b.NodeId).Order());
        var after = cluster.Truth.EventsAfter(mark);
        foreach (var partition in before)
        {
            var expectedIsr = partition.Isr.Except(fenced).Order().ToArray();
            var expectedLeader = fenced.Contains(partition.Leader) ? partition.Replicas.First(expectedIsr.Contains) : partition.Leader;
            var described = Assert.Single(Assert.Single(metadata.Topics).Partitions, p => p.PartitionIndex == partition.Partition);
            Assert.Equal((KafkaErrorCode.None, expectedLeader), (described.ErrorCode, described.LeaderId));
            Assert.Equal(expectedIsr, described.IsrNodes.Order());
            Assert.Equal(partition.Replicas, described.ReplicaNodes);

            foreach (var member in partition.Isr.Intersect(fenced))
            {
                Assert.Contains(after, e => e.Kind == TruthEventKind.IsrChanged && e.Partition == partition.Partition && e.Broker == member && e.IsrChange == IsrChangeReason.Fenced);
            }

            if (fenced.Contains(partition.Leader))
            {
                // Each broker is fenced when its own session expires: a partition may first elect the other paused broker
                // (not fenced yet) and then elect again when that one is fenced, as the controller would.
                var elections = after.Where(e => e.Kind == TruthEventKind.Elected && e.Partition == partition.Partition).ToList();
                Assert.InRange(elections.Count, 1, fenced.Length);
                Assert.All(elections, static e => Assert.Equal(ElectionKind.Clean, e.Election));
                Assert.Equal(partition.Leader, elections[0].PreviousLeader);
                Assert.Equal(expectedLeader, elections[^1].Broker);
                Assert.True(elections[0].LeaderEpoch > partition.LeaderEpoch);
            }
            else
            {
                Assert.DoesNotContain(after, e => e.Kind == TruthEventKind.Elected && e.Partition == partition.Partition);
            }
        }

        Assert.DoesNotContain(after, static e => e.IsrChange == IsrChangeReason.Lagging);

        foreach (var pause in pauses)
        {
            pause.Remove();
        }

        await Eventually.WaitUntilAsync(
            () => cluster.Describe().Topics.Single().Partitions.All(static p => p.Isr.Count == p.Replicas.Count), Patience, "the resumed brokers rejoin every ISR",
            () => string.Join("; ", cluster.Describe().Topics.Single().Partitions.Select(static p => $"{p.Partition}: ISR {string.Join(",", p.Isr)}")));
        Assert.All(fenced, id => Assert.Contains(cluster.Truth.Events, e => e.Broker == id && e.BrokerState == BrokerStateChange.Unfenced));
        Assert.Equal([1, 2, 3, 4, 5], (await MetadataAsync(connection, "foo")).Brokers.Select(static b => b.NodeId).Order());
    }

    /// <summary>
    /// ReplicationControlManager.handleBrokerFenced and handleBrokerUnfenced without eligible leader replicas (the last
    /// step of QuorumControllerTest.testUncleanShutdownBroker, in its pre-ELR form): a fenced leader that is the last
    /// in-sync replica stays the ISR and the partition goes offline (no unclean election); when it is unfenced the
    /// controller elects it again, with the records it had.
    /// </summary>
    [Fact]
    public async Task A_fenced_last_in_sync_replica_leaves_its_partition_offline_and_leads_again_when_unfenced()
    {
        var (cluster, clock) = Start(brokers: 4);
        await using var _ = cluster;
        cluster.CreateTopic("solo", new TopicSettings(1, 3, 1));
        var partition = cluster.FindPartition("solo", 0)!;
        var leader = partition.Leader;
        var outsider = cluster.BrokerIds.Single(id => !partition.ReplicaIds.Contains(id));
        foreach (var follower in partition.ReplicaIds.Where(id => id != leader))
        {
            cluster.Apply(new CrashBroker(follower));
        }

        Assert.Equal([leader], partition.Isr);
        var pause = (await PauseUntilFencedAsync(cluster, clock, leader)).Single();

        await using var connection = await ConnectAsync(cluster, outsider);
        var offline = Assert.Single(Assert.Single((await MetadataAsync(connection, "solo")).Topics).Partitions);
        Assert.Equal((KafkaErrorCode.LeaderNotAvailable, -1), (offline.ErrorCode, offline.LeaderId));
        Assert.Equal([leader], offline.IsrNodes);
        var election = cluster.Truth.Events.Last(static e => e.Kind == TruthEventKind.Elected);
        Assert.Equal((ElectionKind.Offline, leader), (election.Election, election.PreviousLeader));

        pause.Remove();
        await Eventually.WaitUntilAsync(() => partition.Leader == leader, Patience, "the unfenced broker leads again", () => $"leader {partition.Leader}");

        var online = Assert.Single(Assert.Single((await MetadataAsync(connection, "solo")).Topics).Partitions);
        Assert.Equal((KafkaErrorCode.None, leader), (online.ErrorCode, online.LeaderId));
        var unfenced = cluster.Truth.Events.Single(e => e.Broker == leader && e.BrokerState == BrokerStateChange.Unfenced);
        Assert.Contains(cluster.Truth.EventsAfter(unfenced.Sequence), e => e.Kind == TruthEventKind.Elected && e.Broker == leader && e.Election == ElectionKind.Clean);
        Assert.DoesNotContain(cluster.Truth.Events, static e => e.Election == ElectionKind.Unclean);
    }

    /// <summary>
    /// A fenced broker coordinates no group: Kafka's group coordinator is the leader of the group's __consumer_offsets
    /// partition, which a fenced broker gives up. While the broker is only paused, FindCoordinator still names it;
    /// once it is fenced, another broker is named, and it serves the group's committed offsets.
    /// </summary>
    [Fact]
    public async Task A_group_coordinator_moves_off_a_fenced_broker_with_its_committed_offsets()
    {
        var (cluster, clock) = Start(brokers: 3);
        await using var _ = cluster;
        cluster.CreateTopic("ledger", new TopicSettings(1, 3, 1));
        const string Group = "billing";
        var coordinator = cluster.Handler.CoordinatorOf(Group);
        var other = cluster.BrokerIds.First(id => id != coordinator);
        await using (var first = await ConnectAsync(cluster, coordinator))
        {
            Assert.Equal(KafkaErrorCode.None, await CommitAsync(first, Group, 7));
        }

        await using var connection = await ConnectAsync(cluster, other);
        cluster.Apply(new PauseBroker(coordinator));
        Assert.Equal(coordinator, (await FindCoordinatorAsync(connection, Group)).NodeId);

        clock.Advance(new SimulatedClusterOptions().BrokerSessionTimeout);
        await Eventually.WaitUntilAsync(() => IsFenced(cluster, coordinator), Patience, "the coordinator is fenced");

        var moved = await FindCoordinatorAsync(connection, Group);
        Assert.Equal(KafkaErrorCode.None, moved.ErrorCode);
        Assert.NotEqual(coordinator, moved.NodeId);
        await using var successor = await ConnectAsync(cluster, moved.NodeId);
        var fetched = await successor.SendAsync<OffsetFetchRequest, OffsetFetchResponse>(
            new OffsetFetchRequest { GroupId = Group, Topics = [new() { Name = "ledger", PartitionIndexes = [0] }] }, 5);
        Assert.Equal(7, Assert.Single(Assert.Single(fetched.Topics).Partitions).CommittedOffset);
        Assert.Equal(KafkaErrorCode.None, await CommitAsync(successor, Group, 8));
    }

    /// <summary>
    /// GroupMetadataManagerTest.testOnLoadedSchedulesClassicGroupMemberHeartbeats: a paused coordinator expires no
    /// session (a stopped process runs no timer), and the broker that takes the group over once it is fenced loads it
    /// with every member's session starting again; sessions lapse there as usual.
    /// </summary>
    [Fact]
    public async Task A_paused_coordinator_expires_no_session_and_its_successor_restarts_every_session()
    {
        var (cluster, clock) = Start(brokers: 3);
        await using var _ = cluster;
        cluster.CreateTopic("ledger", new TopicSettings(1, 3, 1));
        const string Group = "billing";
        var session = TimeSpan.FromSeconds(6);
        var coordinator = cluster.Handler.CoordinatorOf(Group);
        JoinGroupResponse member;
        await using (var connection = await ConnectAsync(cluster, coordinator))
        {
            member = await JoinStableAsync(connection, Group, session);
        }

        cluster.Apply(new PauseBroker(coordinator));
        clock.Advance(session + TimeSpan.FromSeconds(1));
        Assert.Equal([member.MemberId], cluster.Handler.Groups.Describe(Group)!.Members);

        clock.Advance(new SimulatedClusterOptions().BrokerSessionTimeout - session);
        await Eventually.WaitUntilAsync(() => IsFenced(cluster, coordinator), Patience, "the coordinator is fenced");
        var successor = cluster.Handler.CoordinatorOf(Group);
        Assert.NotEqual(coordinator, successor);
        clock.Advance(session - TimeSpan.FromSeconds(1));
        Assert.Equal([member.MemberId], cluster.Handler.Groups.Describe(Group)!.Members);

        await using var next = await ConnectAsync(cluster, successor);
        var heartbeat = await next.SendAsync<HeartbeatRequest, HeartbeatResponse>(
            new HeartbeatRequest { GroupId = Group, MemberId = member.MemberId, GenerationId = member.GenerationId }, 3);
        Assert.Equal(KafkaErrorCode.None, heartbeat.ErrorCode);

        clock.Advance(session + TimeSpan.FromSeconds(1));
        await Eventually.WaitUntilAsync(() => cluster.Handler.Groups.Describe(Group)!.Members.Count == 0, Patience, "the silent member's session lapses at the successor");
    }

    /// <summary>Joins as the group's only member and completes the rebalance with SyncGroup.</summary>
    private static async Task<JoinGroupResponse> JoinStableAsync(RawConnection connection, string group, TimeSpan session)
    {
        JoinGroupRequest Request(string memberId) => new()
        {
            GroupId = group,
            SessionTimeoutMs = (int)session.TotalMilliseconds,
            RebalanceTimeoutMs = (int)session.TotalMilliseconds,
            MemberId = memberId,
            ProtocolType = "consumer",
            Protocols = [new() { Name = "range", Metadata = new byte[] { 0 } }],
        };

        var first = await connection.SendAsync<JoinGroupRequest, JoinGroupResponse>(Request(string.Empty), 5);
        var joined = await connection.SendAsync<JoinGroupRequest, JoinGroupResponse>(Request(first.MemberId), 5);
        Assert.Equal(KafkaErrorCode.None, joined.ErrorCode);
        var synced = await connection.SendAsync<SyncGroupRequest, SyncGroupResponse>(new SyncGroupRequest
        {
            GroupId = group,
            GenerationId = joined.GenerationId,
            MemberId = joined.MemberId,
            Assignments = [new() { MemberId = joined.MemberId, Assignment = new byte[] { 0 } }],
        }, 3);
        Assert.Equal(KafkaErrorCode.None, synced.ErrorCode);
        return joined;
    }

    private static Task<FindCoordinatorResponse> FindCoordinatorAsync(RawConnection connection, string group) =>
        connection.SendAsync<FindCoordinatorRequest, FindCoordinatorResponse>(new FindCoordinatorRequest { Key = group, KeyType = 0 }, 2);

    private static async Task<KafkaErrorCode> CommitAsync(RawConnection connection, string group, long offset)
    {
        var response = await connection.SendAsync<OffsetCommitRequest, OffsetCommitResponse>(
            new OffsetCommitRequest { GroupId = group, Topics = [new() { Name = "ledger", Partitions = [new() { PartitionIndex = 0, CommittedOffset = offset }] }] }, 7);
        return Assert.Single(Assert.Single(response.Topics).Partitions).ErrorCode;
    }
}
