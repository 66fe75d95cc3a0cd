using System.Diagnostics;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Faults;
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

        var fault = cluster.FaultsOf(leader).InjectError("Produce", "NOT_ENOUGH_REPLICAS", count: 2, topic: "orders", partition: 0);
        Assert.Equal(2, fault.Remaining);
        var delivered = await producer.ProduceAsync("orders", Message("after-errors"));

        Assert.Equal(1, delivered.Offset.Value);
        Assert.False(fault.IsActive);
        Assert.DoesNotContain(cluster.ActiveFaults, f => f.Id == fault.Id);
        var injected = cluster.Truth.For("orders", 0).Where(static e => e.Kind == TruthEventKind.ErrorInjected).ToList();
        Assert.Equal(2, injected.Count);
        Assert.All(injected, static e => Assert.Equal("Produce answered with NOT_ENOUGH_REPLICAS (fault)", e.Detail));
        Assert.Equal(2, cluster.Truth.For("orders", 0).Count(static e => e.Kind == TruthEventKind.Appended));
    }

    [Fact]
    public async Task An_injected_error_for_another_partition_leaves_this_one_alone()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("orders", new TopicSettings(2, 3, 2));
        var leader = Partition(cluster, "orders").Leader;
        var fault = cluster.FaultsOf(leader).InjectError("Produce", "19", count: 1, topic: "orders", partition: 1);
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
            Assert.Contains("Unknown API 'JoinGroup' here; use one of Produce, Fetch, ListOffsets, Metadata, InitProducerId.", Assert.Throws<ArgumentException>(() => faults.InjectError("JoinGroup", "19")).Message, StringComparison.Ordinal);
            Assert.Contains("Unknown Kafka error 'NOT_A_CODE'", Assert.Throws<ArgumentException>(() => faults.InjectError("Produce", "NOT_A_CODE")).Message, StringComparison.Ordinal);
            Assert.Contains("Unknown API 'Teleport'", Assert.Throws<ArgumentException>(() => faults.Delay(TimeSpan.FromMilliseconds(5), "Teleport")).Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => faults.DropProduceResponses(0));
            Assert.Empty(faults.Active);

            var error = faults.InjectError("fetch", "NotLeaderOrFollower", count: 3);
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

        var delay = cluster.FaultsOf(1).Delay(TimeSpan.FromMilliseconds(400), "Produce");
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

        var pause = cluster.FaultsOf(leader).Pause();
        var pending = producer.ProduceAsync("orders", Message("during"));
        Assert.Equal(leader, Partition(cluster, "orders").Leader);

        var delivered = await pending.WaitAsync(Wait);
        var fenced = Partition(cluster, "orders");

        Assert.NotEqual(leader, fenced.Leader);
        Assert.DoesNotContain(leader, fenced.Isr);
        var fencing = Assert.Single(cluster.Truth.Events, e => e.Kind == TruthEventKind.BrokerStateChanged && e.Broker == leader && e.Detail!.StartsWith("fenced", StringComparison.Ordinal));
        Assert.Equal(1, delivered.Offset.Value);

        // The paused leader neither appended nor answered "during": it was appended by the next leader, after the fencing.
        var appended = Assert.Single(cluster.Truth.Events, static e => e.Kind == TruthEventKind.Appended && e.Topic == "orders" && e.FirstOffset == 1);
        Assert.NotEqual(leader, appended.Broker);
        Assert.True(appended.Sequence > fencing.Sequence, "the send during the pause was appended only after the paused leader was fenced");
        Assert.DoesNotContain(cluster.Truth.Events, e => e.Kind == TruthEventKind.Acknowledged && e.Broker == leader && e.Sequence > fencing.Sequence);

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

        var cut = cluster.FaultsOf(leader).CutNetwork("cut-off", NetworkCutMode.Blackhole);
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
        await WaitUntilAsync(() => cluster.Truth.Events.Any(static e => e.Kind == TruthEventKind.Appended && e.Topic == "orders"), "the first sends reaching the leader");

        cluster.ShutdownBroker(leader);
        var results = await Task.WhenAll(sends).WaitAsync(Wait);
        var after = Partition(cluster, "orders");

        Assert.All(results, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(200, results.Select(static r => r.Offset.Value).Distinct().Count());
        Assert.NotEqual(leader, after.Leader);
        Assert.DoesNotContain(leader, after.Isr);
        var events = cluster.Truth.Events;
        var election = events.Single(e => e.Kind == TruthEventKind.Elected && e.Detail!.Contains($"controlled shutdown of broker {leader}", StringComparison.Ordinal));
        var stop = events.Single(e => e.Kind == TruthEventKind.BrokerStateChanged && e.Broker == leader);
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

        var lag = cluster.SetFollowerLag("orders", 0, follower, TimeSpan.Zero, stopped: true);
        Assert.Contains(cluster.ActiveFaults, f => f.Id == lag.Id && f.Kind == "follower-lag" && f.Broker == follower);
        await producer.ProduceAsync("orders", Message("one"));
        await WaitUntilAsync(() => !Partition(cluster, "orders").Isr.Contains(follower), "the stopped follower leaving the ISR after the lag time");
        Assert.Equal(0, Partition(cluster, "orders").LogEndOffsets[follower]);

        Assert.Equal(1, cluster.ClearFaults());
        await WaitUntilAsync(() => Partition(cluster, "orders").LogEndOffsets[follower] == 1, "the follower catching up");
        Assert.Empty(cluster.ActiveFaults);
    }
}
