using System.Diagnostics;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Faults;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Faults;

/// <summary>Each fault kind, observed by a real client (Confluent.Kafka over sockets) and in the ground truth.</summary>
public sealed class FaultTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static IProducer<string, string> Producer(SimulatedCluster cluster, string clientId = "fault-test", int messageTimeoutMs = 30000, Action<LogMessage>? onLog = null) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            ClientId = clientId,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 0,
            SocketTimeoutMs = 1000,
            MessageTimeoutMs = messageTimeoutMs,
            RetryBackoffMs = 50,
            TopicMetadataRefreshIntervalMs = 500,
        }).SetLogHandler((_, message) => onLog?.Invoke(message)).Build();

    private static Message<string, string> Message(string value) => new() { Key = "k", Value = value };

    private static PartitionSnapshot Partition(SimulatedCluster cluster, string topic) => cluster.Describe().Topics.Single(t => t.Name == topic).Partitions[0];

    private static Task WaitUntilAsync(Func<bool> condition, string what) => Eventually.WaitUntilAsync(condition, Wait, what);

    [Fact]
    public async Task An_injected_produce_error_is_answered_without_an_append_and_the_client_retries_through_it()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("orders", new TopicSettings(1, 3, 2));
        var leader = Partition(cluster, "orders").Leader;
        using var producer = Producer(cluster);
        await producer.ProduceAsync("orders", Message("warm-up"));

        var fault = cluster.Apply(new InjectError(leader, Error: KafkaErrorCode.NotEnoughReplicas, Count: 2, Topic: "orders", Partition: 0));
        Assert.Equal(2, fault.Remaining);
        var delivered = await producer.ProduceAsync("orders", Message("after-errors"));

        Assert.Equal(1, delivered.Offset.Value);
        Assert.False(fault.IsActive);
        Assert.DoesNotContain(cluster.ActiveFaults, f => f.Id == fault.Id);
        var injected = cluster.Truth.For("orders", 0).Where(static e => e.Kind == TruthEventKind.ErrorInjected).ToList();
        Assert.Equal(2, injected.Count);
        Assert.All(injected, static e => Assert.Equal((ApiKey.Produce, KafkaErrorCode.NotEnoughReplicas), (e.Api, e.Error)));
        Assert.Equal(2, cluster.Truth.For("orders", 0).Count(static e => e.Kind == TruthEventKind.Appended));
    }

    [Fact]
    public async Task An_injected_error_for_another_partition_leaves_this_one_alone()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("orders", new TopicSettings(2, 3, 2));
        var leader = Partition(cluster, "orders").Leader;
        var fault = cluster.FaultsOf(leader).InjectError(ApiKey.Produce, KafkaErrorCode.NotEnoughReplicas, count: 1, topic: "orders", partition: 1);
        using var producer = Producer(cluster);

        var delivered = await producer.ProduceAsync(new TopicPartition("orders", 0), Message("p0"));

        Assert.Equal(0, delivered.Offset.Value);
        Assert.True(fault.IsActive);
        Assert.DoesNotContain(cluster.Truth.Events, static e => e.Kind == TruthEventKind.ErrorInjected);
    }

    [Fact]
    public async Task Fault_arguments_are_checked_with_a_clear_error()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1 });
        {
            var faults = cluster.FaultsOf(1);
            Assert.Contains("Unknown API 'JoinGroup' here; use one of Produce, Fetch, ListOffsets, Metadata, InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit.", Assert.Throws<ArgumentException>(() => faults.InjectError(ApiKey.JoinGroup, KafkaErrorCode.NotEnoughReplicas)).Message, StringComparison.Ordinal);
            Assert.Contains("Unknown Kafka error '0'", Assert.Throws<ArgumentException>(() => faults.InjectError(ApiKey.Produce, KafkaErrorCode.None)).Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => faults.DropProduceResponses(0));
            Assert.Equal("Fault 'drop-produce-responses': \"count\" must be 1 or more, not 0.", Assert.Throws<ArgumentException>(() => cluster.Apply(new DropProduceResponses(1, Count: 0))).Message);
            Assert.Equal("Fault 'pause': there is no broker 7; brokers are 1.", Assert.Throws<ArgumentException>(() => cluster.Apply(new PauseBroker(7))).Message);
            Assert.Contains("\"api\" JoinGroup cannot be failed here", Assert.Throws<ArgumentException>(() => cluster.Apply(new InjectError(1, Api: ApiKey.JoinGroup, Error: KafkaErrorCode.NotEnoughReplicas))).Message, StringComparison.Ordinal);
            Assert.Contains("give \"code\" (such as 19)", Assert.Throws<ArgumentException>(() => cluster.Apply(new InjectError(1))).Message, StringComparison.Ordinal);
            Assert.Empty(faults.Active);

            var error = faults.InjectError(ApiKey.Fetch, KafkaErrorCode.NotLeaderOrFollower, count: 3);
            Assert.Equal("answer 3 Fetch request(s) to broker 1 with NOT_LEADER_OR_FOLLOWER (6)", error.Description);
            Assert.Equal(1, faults.Clear());
            Assert.False(error.IsActive);
        }
    }

    [Fact]
    public async Task A_delay_holds_every_response_of_the_broker_until_it_is_removed()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1 });
        cluster.CreateTopic("slow", new TopicSettings(1, 1, 1));
        using var producer = Producer(cluster, messageTimeoutMs: 10000);
        await producer.ProduceAsync("slow", Message("warm-up"));

        var delay = cluster.Apply(new DelayResponses(1, Milliseconds: 400, Api: ApiKey.Produce));
        var clock = Stopwatch.StartNew();
        await producer.ProduceAsync("slow", Message("delayed"));
        var delayed = clock.Elapsed;
        delay.Remove();
        clock.Restart();
        await producer.ProduceAsync("slow", Message("prompt"));
        var prompt = clock.Elapsed;

        Assert.True(delayed >= TimeSpan.FromMilliseconds(390), $"the delayed send took {delayed.TotalMilliseconds:0} ms");
        Assert.True(prompt < delayed, $"after removal a send took {prompt.TotalMilliseconds:0} ms, the delayed one {delayed.TotalMilliseconds:0} ms");
        Assert.Empty(cluster.ActiveFaults);
    }

    [Fact]
    public async Task A_paused_leader_answers_nothing_is_fenced_after_the_session_timeout_and_rejoins_as_a_follower_when_resumed()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { BrokerSessionTimeout = TimeSpan.FromMilliseconds(1500) });
        cluster.CreateTopic("orders", new TopicSettings(1, 3, 2));
        var leader = Partition(cluster, "orders").Leader;
        using var producer = Producer(cluster);
        await producer.ProduceAsync("orders", Message("before"));

        var pause = cluster.Apply(new PauseBroker(leader));
        var pending = producer.ProduceAsync("orders", Message("during"));

        var delivered = await pending.WaitAsync(Wait);
        var fenced = Partition(cluster, "orders");

        Assert.NotEqual(leader, fenced.Leader);
        Assert.DoesNotContain(leader, fenced.Isr);
        Assert.Equal(1, delivered.Offset.Value);

        // The paused leader answered nothing: the send was appended only after the fence, by the next leader.
        var events = cluster.Truth.Events;
        var paused = events.Single(e => e.Broker == leader && e.BrokerState == BrokerStateChange.Paused);
        var fence = events.Single(e => e.Broker == leader && e.BrokerState == BrokerStateChange.Fenced);
        Assert.DoesNotContain(events, e => e.Kind == TruthEventKind.Appended && e.Sequence > paused.Sequence && e.Sequence < fence.Sequence);
        var during = events.Single(static e => e.Kind == TruthEventKind.Appended && e.FirstOffset == 1);
        Assert.True(during.Sequence > fence.Sequence);
        Assert.Equal(fenced.Leader, during.Broker);
        Assert.Contains(events, e => e.Kind == TruthEventKind.Elected && e.Sequence > fence.Sequence && e.Broker == fenced.Leader && e.Election == ElectionKind.Clean);

        pause.Remove();
        await WaitUntilAsync(() => Partition(cluster, "orders").Isr.Contains(leader), "the resumed broker rejoining the ISR");
        Assert.Equal(2, Partition(cluster, "orders").LogEndOffsets[leader]);
        Assert.False(cluster.FaultsOf(leader).IsPaused);
    }

    [Fact]
    public async Task A_blackhole_cut_isolates_one_client_from_the_leader_while_others_go_on()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("orders", new TopicSettings(1, 3, 2));
        var leader = Partition(cluster, "orders").Leader;
        using var cutOff = Producer(cluster, clientId: "cut-off", messageTimeoutMs: 3000);
        using var other = Producer(cluster, clientId: "other");
        await cutOff.ProduceAsync("orders", Message("before"));

        var cut = cluster.Apply(new CutNetwork(leader, ClientId: "cut-off"));
        var lost = await Assert.ThrowsAsync<ProduceException<string, string>>(() => cutOff.ProduceAsync("orders", Message("cut")));
        var fine = await other.ProduceAsync("orders", Message("other"));
        cut.Remove();

        Assert.Equal(ErrorCode.Local_MsgTimedOut, lost.Error.Code);
        Assert.Equal(PersistenceStatus.Persisted, fine.Status);
        Assert.Equal(1, fine.Offset.Value);
        Assert.Equal(2, Partition(cluster, "orders").HighWatermark);
    }

    [Fact]
    public async Task A_reset_cut_drops_the_clients_connections_at_once_and_healing_lets_it_deliver()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("orders", new TopicSettings(1, 3, 2));
        var leader = Partition(cluster, "orders").Leader;
        var resets = 0;
        using var producer = Producer(cluster, clientId: "flaky", messageTimeoutMs: 20000, onLog: m =>
        {
            if (m.Facility == "FAIL" && m.Message.Contains("connection reset", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref resets);
            }
        });
        await producer.ProduceAsync("orders", Message("before"));

        var cut = cluster.FaultsOf(leader).CutNetwork("flaky", NetworkCutMode.Reset);
        Assert.Equal("cut client.id 'flaky' off broker " + leader + " (reset)", cut.Description);
        var pending = producer.ProduceAsync("orders", Message("across-the-cut"));
        await WaitUntilAsync(() => Volatile.Read(ref resets) > 0, "the client seeing its connection to the leader reset");
        Assert.False(pending.IsCompleted);
        var beforeHealing = cluster.Truth.Events[^1].Sequence;
        cut.Remove();
        var delivered = await pending.WaitAsync(Wait);

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.Equal(1, delivered.Offset.Value);
        var appended = Assert.Single(cluster.Truth.Events, static e => e.Kind == TruthEventKind.Appended && e.Topic == "orders" && e.FirstOffset == 1);
        Assert.True(appended.Sequence > beforeHealing, "nothing crossed the cut: the send was appended only after healing");
    }

    [Fact]
    public async Task A_clean_shutdown_moves_leadership_first_so_in_flight_sends_are_retried_to_the_new_leader_and_nothing_is_truncated()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("orders", new TopicSettings(1, 3, 2));
        var leader = Partition(cluster, "orders").Leader;
        using var producer = Producer(cluster);
        var sends = Enumerable.Range(0, 200).Select(i => producer.ProduceAsync("orders", Message($"order-{i}"))).ToList();
        await WaitUntilAsync(() => cluster.Truth.Events.Any(static e => e.Kind == TruthEventKind.Appended), "the first append");

        cluster.Apply(new ShutdownBroker(leader));
        var results = await Task.WhenAll(sends).WaitAsync(Wait);
        var after = Partition(cluster, "orders");

        Assert.All(results, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(200, results.Select(static r => r.Offset.Value).Distinct().Count());
        Assert.NotEqual(leader, after.Leader);
        Assert.DoesNotContain(leader, after.Isr);
        var events = cluster.Truth.Events;
        var election = events.Single(e => e.Kind == TruthEventKind.Elected && e.Election == ElectionKind.Controlled && e.PreviousLeader == leader);
        var stop = events.Single(e => e.Kind == TruthEventKind.BrokerStateChanged && e.Broker == leader);
        Assert.Equal(BrokerStateChange.ShutDown, stop.BrokerState);
        Assert.Equal(after.Isr.Count + 1, election.Isr!.Count);
        Assert.True(election.Sequence < stop.Sequence, "leadership moves before the broker stops");
        Assert.DoesNotContain(events, static e => e.Kind == TruthEventKind.Truncated);
        Assert.Equal("down", cluster.Describe().Brokers.Single(b => b.Id == leader).State);
    }

    [Fact]
    public async Task A_follower_lag_fault_is_listed_and_its_removal_lets_the_follower_catch_up()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { ReplicaLagTimeMax = TimeSpan.FromMilliseconds(300) });
        cluster.CreateTopic("orders", new TopicSettings(1, 3, 1));
        var partition = Partition(cluster, "orders");
        var follower = partition.Replicas.First(id => id != partition.Leader);
        using var producer = Producer(cluster);

        var lag = cluster.Apply(new LagFollower(follower, Topic: "orders", Partition: 0, Stop: true));
        Assert.Contains(cluster.ActiveFaults, f => f.Id == lag.Id && f.Kind == FaultKinds.FollowerLag && f.Broker == follower);
        await producer.ProduceAsync("orders", Message("one"));
        var other = partition.Replicas.Single(id => id != partition.Leader && id != follower);
        await WaitUntilAsync(() => Partition(cluster, "orders").LogEndOffsets[other] == 1, "the other follower copying");
        Assert.Equal(0, Partition(cluster, "orders").LogEndOffsets[follower]);

        Assert.Equal(1, cluster.ClearFaults());
        await WaitUntilAsync(() => Partition(cluster, "orders").LogEndOffsets[follower] == 1, "the follower catching up");
        Assert.Empty(cluster.ActiveFaults);
    }
}
