using System.Text;
using ReliableKafka.Outbox;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Tests.Outbox;

/// <summary>The outbox and its relay on a real database file or server, publishing to a simulated cluster over sockets.</summary>
public sealed class OutboxRelayTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static SimulatedCluster StartCluster(int maxMessageBytes = 1_048_588)
    {
        var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = true });
        cluster.CreateTopic("task-events", new TopicSettings(3, 3, 2, MaxMessageBytes: maxMessageBytes));
        return cluster;
    }

    private static OutboxRelay Relay(OutboxStore store, ReliableProducer<string, string> producer, string? instance = null) =>
        new(store, producer, new OutboxRelayOptions { PollInterval = TimeSpan.FromMilliseconds(50), RetryBackoff = TimeSpan.FromMilliseconds(200), MaxRetryBackoff = TimeSpan.FromSeconds(1), InstanceId = instance });

    private static Task WaitForEmptyBacklogAsync(OutboxStore store) =>
        OutboxCluster.WaitUntilAsync(async () => (await store.GetBacklogAsync()).Pending == 0, Wait, "draining the outbox");

    /// <summary>Asserts that each key's values arrive in sequence order ("key:seq").</summary>
    private static void AssertInOrderPerKey(IEnumerable<(string Key, string Value)> records)
    {
        foreach (var group in records.GroupBy(static r => r.Key))
        {
            var sequences = group.Select(static r => int.Parse(r.Value.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequences.Order(), sequences);
        }
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task Committed_events_are_published_once_in_order_per_key_and_rolled_back_ones_never_on_postgresql() => Committed_events_are_published_once_in_order_per_key_and_rolled_back_ones_never("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task Committed_events_are_published_once_in_order_per_key_and_rolled_back_ones_never(string kind)
    {
        await using var cluster = StartCluster();
        await using var database = await OutboxDatabase.CreateAsync(kind);
        for (var i = 0; i < 300; i++)
        {
            await database.WriteAsync("task-events", $"task-{i % 30}", $"task-{i % 30}:{i}", $"event-{i}");
        }

        for (var i = 0; i < 5; i++)
        {
            await database.WriteAsync("task-events", "task-rolled-back", $"task-rolled-back:{i}", $"rolled-back-{i}", commit: false);
        }

        await using var producer = OutboxCluster.Producer(cluster);
        using var relay = Relay(database.Store, producer);
        await relay.StartAsync(CancellationToken.None);
        await WaitForEmptyBacklogAsync(database.Store);
        await relay.StopAsync(CancellationToken.None);

        var records = OutboxCluster.ReadAll(cluster, "task-events", 300);
        var eventIds = records.Select(static r => Encoding.UTF8.GetString(r.Headers.GetLastBytes("event-id"))).ToList();
        Assert.Equal(300, records.Count);
        Assert.Equal(Enumerable.Range(0, 300).Select(static i => $"event-{i}").Order(), eventIds.Order());
        AssertInOrderPerKey(records.Select(static r => (r.Key, r.Value)));
        Assert.Equal(300, relay.Published);
        Assert.Equal(300, await database.ScalarAsync("SELECT COUNT(*) FROM rk_outbox WHERE state = 1 AND sent_offset IS NOT NULL"));
        Assert.Equal(0, await database.ScalarAsync("SELECT COUNT(*) FROM rk_outbox WHERE event_id LIKE 'rolled-back-%'"));
        Assert.Equal(new OutboxBacklog(0, null, 0), await database.Store.GetBacklogAsync());
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task With_every_broker_down_past_the_delivery_timeout_events_wait_and_are_all_published_when_the_cluster_returns_on_postgresql() => With_every_broker_down_past_the_delivery_timeout_events_wait_and_are_all_published_when_the_cluster_returns("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task With_every_broker_down_past_the_delivery_timeout_events_wait_and_are_all_published_when_the_cluster_returns(string kind)
    {
        await using var cluster = StartCluster();
        await using var database = await OutboxDatabase.CreateAsync(kind);
        await using var producer = OutboxCluster.Producer(cluster, deliveryTimeoutMs: 2000);
        using var relay = Relay(database.Store, producer);
        await relay.StartAsync(CancellationToken.None);
        await database.WriteAsync("task-events", "task-0", "task-0:0", "event-before");
        await WaitForEmptyBacklogAsync(database.Store);

        foreach (var broker in cluster.BrokerIds)
        {
            cluster.CrashBroker(broker);
        }

        for (var i = 1; i <= 40; i++)
        {
            await database.WriteAsync("task-events", $"task-{i % 4}", $"task-{i % 4}:{i}", $"event-{i}");
        }

        await OutboxCluster.WaitUntilAsync(async () => await database.ScalarAsync("SELECT COUNT(*) FROM rk_outbox WHERE state = 0 AND attempts >= 2") >= 4, Wait, "failed attempts being rescheduled");
        var backlog = await database.Store.GetBacklogAsync();
        Assert.Equal(40, backlog.Pending);
        Assert.Equal(0, backlog.Dead);

        foreach (var broker in cluster.BrokerIds)
        {
            cluster.RestartBroker(broker);
        }

        await WaitForEmptyBacklogAsync(database.Store);
        await relay.StopAsync(CancellationToken.None);
        var records = OutboxCluster.ReadAll(cluster, "task-events", 41);

        Assert.Equal(41, records.Count);
        Assert.Equal(41, records.Select(static r => Encoding.UTF8.GetString(r.Headers.GetLastBytes("event-id"))).Distinct().Count());
        AssertInOrderPerKey(records.Select(static r => (r.Key, r.Value)));
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task A_fatal_failure_marks_the_event_dead_and_the_rest_are_published_on_postgresql() => A_fatal_failure_marks_the_event_dead_and_the_rest_are_published("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task A_fatal_failure_marks_the_event_dead_and_the_rest_are_published(string kind)
    {
        await using var cluster = StartCluster(maxMessageBytes: 2000);
        await using var database = await OutboxDatabase.CreateAsync(kind);
        await database.WriteAsync("task-events", "task-1", "task-1:0", "event-small-0");
        await database.WriteAsync("task-events", "task-2", "task-2:1" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6000)), "event-huge");
        await database.WriteAsync("task-events", "task-3", "task-3:2", "event-small-1");
        await using var producer = OutboxCluster.Producer(cluster);
        using var relay = Relay(database.Store, producer);

        await relay.StartAsync(CancellationToken.None);
        await WaitForEmptyBacklogAsync(database.Store);
        await relay.StopAsync(CancellationToken.None);

        // The broker rejects the whole record batch, so a small event batched with the huge one shares its fate
        // (librdkafka does not split batches): it is dead-lettered too, never lost.
        var backlog = await database.Store.GetBacklogAsync();
        Assert.Equal(0, backlog.Pending);
        Assert.InRange(backlog.Dead, 1, 3);
        Assert.Equal(1, await database.ScalarAsync("SELECT COUNT(*) FROM rk_outbox WHERE state = 2 AND event_id = 'event-huge' AND last_error LIKE 'Msg%'"));
        Assert.Equal(3 - backlog.Dead, relay.Published);
        var published = OutboxCluster.ReadAll(cluster, "task-events", (int)relay.Published).Select(static r => Encoding.UTF8.GetString(r.Headers.GetLastBytes("event-id")));
        var deadLettered = OutboxCluster.ReadAll(cluster, ReliableProducerDefaults.DeadLetterTopic, (int)backlog.Dead).Select(static r => Encoding.UTF8.GetString(r.Headers.GetLastBytes("event-id")));
        Assert.Equal(["event-huge", "event-small-0", "event-small-1"], published.Concat(deadLettered).Order());
        Assert.Contains("event-huge", deadLettered);
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task Events_claimed_by_a_relay_that_crashed_are_published_after_a_restart_on_postgresql() => Events_claimed_by_a_relay_that_crashed_are_published_after_a_restart("postgresql", "api-1");

    [Theory]
    [InlineData("sqlite", null)]
    public async Task Events_claimed_by_a_relay_that_crashed_are_published_after_a_restart(string kind, string? instance)
    {
        await using var cluster = StartCluster();
        await using var database = await OutboxDatabase.CreateAsync(kind);
        for (var i = 0; i < 20; i++)
        {
            await database.WriteAsync("task-events", $"task-{i}", $"task-{i}:{i}", $"event-{i}");
        }

        // A relay claimed the rows (their lease runs for minutes) and died before recording anything.
        var claimed = await database.Store.ClaimAsync(OutboxStore.LeaseToken(instance ?? "crashed-process"), 100, TimeSpan.FromMinutes(10), blockBehindDead: true, CancellationToken.None);
        Assert.Equal(20, claimed.Count);
        Assert.Empty(await database.Store.ClaimAsync(OutboxStore.LeaseToken("someone-else"), 100, TimeSpan.FromMinutes(10), blockBehindDead: true, CancellationToken.None));

        await using var producer = OutboxCluster.Producer(cluster);
        using var restarted = Relay(database.Store, producer, instance);
        await restarted.StartAsync(CancellationToken.None);
        await WaitForEmptyBacklogAsync(database.Store);
        await restarted.StopAsync(CancellationToken.None);

        Assert.Equal(20, OutboxCluster.ReadAll(cluster, "task-events", 20).Count);
        Assert.Equal(20, restarted.Published);
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public async Task Two_relays_on_one_postgresql_outbox_publish_each_event_once()
    {
        await using var cluster = StartCluster();
        await using var database = await OutboxDatabase.CreateAsync("postgresql");
        await using var producerA = OutboxCluster.Producer(cluster);
        await using var producerB = OutboxCluster.Producer(cluster);
        using var relayA = new OutboxRelay(database.Store, producerA, new OutboxRelayOptions { BatchSize = 50, PollInterval = TimeSpan.FromMilliseconds(20), InstanceId = "api-a" });
        using var relayB = new OutboxRelay(database.Store, producerB, new OutboxRelayOptions { BatchSize = 50, PollInterval = TimeSpan.FromMilliseconds(20), InstanceId = "api-b" });
        await relayA.StartAsync(CancellationToken.None);
        await relayB.StartAsync(CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                var n = (writer * 250) + i;
                await database.WriteAsync("task-events", $"task-{n % 100}", $"task-{n % 100}:{n}", $"event-{n}");
            }
        })));
        await WaitForEmptyBacklogAsync(database.Store);
        await relayA.StopAsync(CancellationToken.None);
        await relayB.StopAsync(CancellationToken.None);

        var records = OutboxCluster.ReadAll(cluster, "task-events", 1000);
        Assert.Equal(1000, records.Count);
        Assert.Equal(1000, records.Select(static r => Encoding.UTF8.GetString(r.Headers.GetLastBytes("event-id"))).Distinct().Count());
        Assert.Equal(1000, relayA.Published + relayB.Published);
        Assert.True(relayA.Published > 0 && relayB.Published > 0, $"both relays should have published (a: {relayA.Published}, b: {relayB.Published})");
    }
}
