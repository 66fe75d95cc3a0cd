using System.Text;
using ReliableKafka.Outbox;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Faults;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Tests.Outbox;

/// <summary>
/// What a dead outbox event does to its key: under the default policy it holds the later events of its key back until an
/// operator retries or skips it, so a key's events never go out of order; errors an operator fixes are retried instead.
/// Rounds are driven one at a time, so "nothing was claimed" is a fact of the round, not a wait.
/// </summary>
public sealed class DeadEventPolicyTests
{
    private static SimulatedCluster StartCluster(int maxMessageBytes = 1_048_588)
    {
        var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = true });
        cluster.CreateTopic("task-events", new TopicSettings(3, 3, 2, MaxMessageBytes: maxMessageBytes));
        return cluster;
    }

    private static OutboxRelay Relay(OutboxStore store, ReliableProducer<string, string> producer, OutboxDeadEventPolicy policy = OutboxDeadEventPolicy.BlockKey) =>
        new(store, producer, new OutboxRelayOptions { PollInterval = TimeSpan.FromMilliseconds(50), RetryBackoff = TimeSpan.FromMilliseconds(100), MaxRetryBackoff = TimeSpan.FromMilliseconds(200), DeadEvents = policy });

    /// <summary>Random text: compression cannot bring it under the topic's max.message.bytes.</summary>
    private static string Incompressible(int bytes) => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes));

    private static List<FaultHandle> FailProduce(SimulatedCluster cluster, KafkaErrorCode error) =>
        [.. cluster.BrokerIds.Select(b => cluster.FaultsOf(b).InjectError(ApiKey.Produce, error, count: 10_000, topic: "task-events"))];

    private static async Task DrainAsync(OutboxRelay relay, OutboxStore store)
    {
        for (var round = 0; round < 50 && (await store.GetBacklogAsync()).Pending > 0; round++)
        {
            await relay.RelayOnceAsync(CancellationToken.None);
        }

        Assert.Equal(0, (await store.GetBacklogAsync()).Pending);
    }

    private static List<string> EventIdsOfKey(SimulatedCluster cluster, string key, int expected) =>
        [.. OutboxCluster.ReadAll(cluster, "task-events", expected).Where(r => r.Key == key).Select(static r => Encoding.UTF8.GetString(r.Headers.GetLastBytes("event-id")))];

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task A_dead_event_holds_back_the_later_events_of_its_key_until_an_operator_retries_it_on_postgresql() => A_dead_event_holds_back_the_later_events_of_its_key_until_an_operator_retries_it("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task A_dead_event_holds_back_the_later_events_of_its_key_until_an_operator_retries_it(string kind)
    {
        await using var cluster = StartCluster();
        await using var database = await OutboxDatabase.CreateAsync(kind);
        await using var producer = OutboxCluster.Producer(cluster);
        using var relay = Relay(database.Store, producer);
        for (var i = 0; i < 3; i++)
        {
            await database.WriteAsync("task-events", "task-k", $"task-k:{i}", $"event-k{i}");
        }

        // The first event of the key fails fatally (the broker rejects its record) and dies.
        var faults = FailProduce(cluster, KafkaErrorCode.InvalidRecord);
        Assert.Equal(1, await relay.RelayOnceAsync(CancellationToken.None));
        Assert.Equal(1, (await database.Store.GetBacklogAsync()).Dead);
        faults.ForEach(static f => f.Remove());

        // Its successors are not claimable: nothing of the key goes out ahead of it.
        Assert.Equal(0, await relay.RelayOnceAsync(CancellationToken.None));
        var backlog = await database.Store.GetBacklogAsync();
        Assert.Equal((2, 1, 2), (backlog.Pending, backlog.Dead, backlog.Waiting));
        var dead = Assert.Single(backlog.DeadEvents);
        Assert.Equal(("task-events", "task-k", "event-k0", 2L), (dead.Topic, dead.Key, dead.EventId, dead.Waiting));
        Assert.StartsWith("InvalidRecord", dead.Reason, StringComparison.Ordinal);

        // Other keys are not held back.
        await database.WriteAsync("task-events", "task-j", "task-j:0", "event-j0");
        Assert.Equal(1, await relay.RelayOnceAsync(CancellationToken.None));

        // The operator fixed the cause and retries it: it goes first, then the rest of its key, in order.
        Assert.True(await database.Store.RetryDeadEventAsync(dead.Id));
        Assert.False(await database.Store.RetryDeadEventAsync(dead.Id));
        await DrainAsync(relay, database.Store);
        Assert.Equal(["event-k0", "event-k1", "event-k2"], EventIdsOfKey(cluster, "task-k", 4));
        Assert.Empty(await database.Store.GetDeadEventsAsync());
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task A_skipped_dead_event_is_never_published_and_lets_the_rest_of_its_key_go_in_order_on_postgresql() => A_skipped_dead_event_is_never_published_and_lets_the_rest_of_its_key_go_in_order("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task A_skipped_dead_event_is_never_published_and_lets_the_rest_of_its_key_go_in_order(string kind)
    {
        await using var cluster = StartCluster(maxMessageBytes: 2000);
        await using var database = await OutboxDatabase.CreateAsync(kind);
        await using var producer = OutboxCluster.Producer(cluster);
        using var relay = Relay(database.Store, producer);
        await database.WriteAsync("task-events", "task-k", "task-k:0" + Incompressible(6000), "event-huge");
        await database.WriteAsync("task-events", "task-k", "task-k:1", "event-k1");
        await database.WriteAsync("task-events", "task-k", "task-k:2", "event-k2");

        Assert.Equal(1, await relay.RelayOnceAsync(CancellationToken.None));
        Assert.Equal(0, await relay.RelayOnceAsync(CancellationToken.None));
        var dead = Assert.Single(await database.Store.GetDeadEventsAsync());
        Assert.Equal("event-huge", dead.EventId);

        Assert.True(await database.Store.SkipDeadEventAsync(dead.Id));
        Assert.False(await database.Store.SkipDeadEventAsync(dead.Id));
        await DrainAsync(relay, database.Store);
        Assert.Equal(["event-k1", "event-k2"], EventIdsOfKey(cluster, "task-k", 2));
        Assert.Equal(1, await database.ScalarAsync("SELECT COUNT(*) FROM rk_outbox WHERE event_id = 'event-huge' AND state = 3 AND last_error LIKE 'MsgSizeTooLarge%'"));
        Assert.Equal(new OutboxBacklog(0, null, 0), await database.Store.GetBacklogAsync());
    }

    [Fact]
    public async Task Under_publish_successors_a_dead_event_does_not_hold_back_its_key()
    {
        await using var cluster = StartCluster(maxMessageBytes: 2000);
        await using var database = await OutboxDatabase.CreateAsync("sqlite");
        await using var producer = OutboxCluster.Producer(cluster);
        using var relay = Relay(database.Store, producer, OutboxDeadEventPolicy.PublishSuccessors);
        await database.WriteAsync("task-events", "task-k", "task-k:0" + Incompressible(6000), "event-huge");
        await database.WriteAsync("task-events", "task-k", "task-k:1", "event-k1");

        Assert.Equal(1, await relay.RelayOnceAsync(CancellationToken.None));
        await DrainAsync(relay, database.Store);
        Assert.Equal(["event-k1"], EventIdsOfKey(cluster, "task-k", 1));
        Assert.Equal(1, (await database.Store.GetBacklogAsync()).Dead);
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task An_authorization_failure_is_retried_with_backoff_and_published_once_an_operator_fixes_it_on_postgresql() => An_authorization_failure_is_retried_with_backoff_and_published_once_an_operator_fixes_it("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task An_authorization_failure_is_retried_with_backoff_and_published_once_an_operator_fixes_it(string kind)
    {
        await using var cluster = StartCluster();
        await using var database = await OutboxDatabase.CreateAsync(kind);
        await using var producer = OutboxCluster.Producer(cluster, includeConfigurationErrors: false);
        using var relay = Relay(database.Store, producer);
        await database.WriteAsync("task-events", "task-k", "task-k:0", "event-k0");
        await database.WriteAsync("task-events", "task-k", "task-k:1", "event-k1");

        var faults = FailProduce(cluster, KafkaErrorCode.TopicAuthorizationFailed);
        Assert.Equal(1, await relay.RelayOnceAsync(CancellationToken.None));
        var backlog = await database.Store.GetBacklogAsync();
        Assert.Equal((2, 0), (backlog.Pending, backlog.Dead));
        Assert.Equal(1, await database.ScalarAsync("SELECT COUNT(*) FROM rk_outbox WHERE event_id = 'event-k0' AND state = 0 AND attempts = 1 AND last_error LIKE 'TopicAuthorizationFailed%'"));

        // The operator grants the ACL: the event goes out on a later attempt, its key in order, and nothing was dead-lettered.
        faults.ForEach(static f => f.Remove());
        await relay.StartAsync(CancellationToken.None);
        await OutboxCluster.WaitUntilAsync(async () => (await database.Store.GetBacklogAsync()).Pending == 0, TimeSpan.FromSeconds(30), "publishing after the fix");
        await relay.StopAsync(CancellationToken.None);
        Assert.Equal(["event-k0", "event-k1"], EventIdsOfKey(cluster, "task-k", 2));
        Assert.DoesNotContain(cluster.Describe().Topics, static t => t.Name == ReliableProducerDefaults.DeadLetterTopic);
    }

    /// <summary>
    /// The broker refuses a whole batch larger than max.message.bytes, so an oversized event takes the events batched with
    /// it down (other keys too). With the producer's message.max.bytes at the topic's limit, librdkafka refuses the
    /// oversized event alone, before batching, and the others are published.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_oversized_event_dies_alone_when_the_producers_message_max_bytes_matches_the_topic(bool matched)
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = true });
        cluster.CreateTopic("task-events", new TopicSettings(1, 3, 2, MaxMessageBytes: 2000));
        await using var database = await OutboxDatabase.CreateAsync("sqlite");
        await using var producer = OutboxCluster.Producer(cluster, messageMaxBytes: matched ? 2000 : null);
        using var relay = Relay(database.Store, producer);
        for (var i = 0; i < 10; i++)
        {
            await database.WriteAsync("task-events", $"task-{i}", i == 5 ? $"task-{i}:0" + Incompressible(3000) : $"task-{i}:0", $"event-{i}");
        }

        // One round claims all ten (one per key); the producer batches them into one partition.
        Assert.Equal(10, await relay.RelayOnceAsync(CancellationToken.None));
        var dead = (await database.Store.GetDeadEventsAsync()).Select(static d => d.EventId).ToList();

        Assert.Contains("event-5", dead);
        if (matched)
        {
            Assert.Equal(["event-5"], dead);
        }
        else
        {
            Assert.True(dead.Count > 1, "without the matched limit the oversized event should take batch-mates down with it");
        }
    }
}
