using System.Text;
using Npgsql;
using ReliableKafka.Outbox;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Tests.Outbox;

/// <summary>Writers and relays racing on one outbox: commit order, lease tokens and clocks.</summary>
public sealed class OutboxConcurrencyTests
{
    /// <summary>A machine whose clock is off by <paramref name="skew"/>.</summary>
    private sealed class SkewedClock(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + skew;
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public async Task Of_two_postgresql_transactions_writing_one_key_the_later_event_cannot_commit_first()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1, AutoCreateTopics = true });
        cluster.CreateTopic("task-events", new TopicSettings(1, 1, 1));
        await using var database = await OutboxDatabase.CreateAsync("postgresql");
        await using var producer = OutboxCluster.Producer(cluster);
        using var relay = new OutboxRelay(database.Store, producer, new OutboxRelayOptions { PollInterval = TimeSpan.FromMilliseconds(50) });

        // The first transaction writes the key's first event and stays open.
        await using var first = (NpgsqlConnection)await database.Store.OpenConnectionAsync();
        await using var firstTransaction = await first.BeginTransactionAsync();
        await database.Store.EnqueueAsync(firstTransaction, new OutboxEvent("task-events", "task-k", "first", "event-first"));

        // A second transaction writes the key's next event and commits as soon as it can.
        var second = Task.Run(async () =>
        {
            await using var connection = await database.Store.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await database.Store.EnqueueAsync(transaction, new OutboxEvent("task-events", "task-k", "second", "event-second"));
            await transaction.CommitAsync();
        });

        // Either it committed (the bug: its id is newer but it is visible alone) or it waits for the first writer's lock.
        await OutboxCluster.WaitUntilAsync(
            async () => second.IsCompleted || await database.ScalarAsync("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") > 0,
            TimeSpan.FromSeconds(30),
            "the second writer committing or waiting");

        // A relay round now may only publish what is committed; then the first commits and the rest drains.
        await relay.RelayOnceAsync(CancellationToken.None);
        await firstTransaction.CommitAsync();
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        for (var round = 0; round < 10 && (await database.Store.GetBacklogAsync()).Pending > 0; round++)
        {
            await relay.RelayOnceAsync(CancellationToken.None);
        }

        var published = OutboxCluster.ReadAll(cluster, "task-events", 2).Select(static r => Encoding.UTF8.GetString(r.Headers.GetLastBytes("event-id")));
        Assert.Equal(["event-first", "event-second"], published);
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task A_late_completion_of_an_expired_round_leaves_the_newer_rounds_lease_alone_on_postgresql() => A_late_completion_of_an_expired_round_leaves_the_newer_rounds_lease_alone("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task A_late_completion_of_an_expired_round_leaves_the_newer_rounds_lease_alone(string kind)
    {
        await using var database = await OutboxDatabase.CreateAsync(kind);
        await database.WriteAsync("task-events", "task-k", "task-k:0", "event-k0");

        // Two rounds of one relay instance: the first one's lease runs out and the second claims the row.
        var late = OutboxStore.LeaseToken("api-1");
        var current = OutboxStore.LeaseToken("api-1");
        Assert.NotEqual(late, current);
        var row = Assert.Single(await database.Store.ClaimAsync(late, 10, TimeSpan.FromMilliseconds(1), blockBehindDead: true, CancellationToken.None));
        await OutboxCluster.WaitUntilAsync(
            async () => (await database.Store.ClaimAsync(current, 10, TimeSpan.FromMinutes(10), blockBehindDead: true, CancellationToken.None)).Count == 1,
            TimeSpan.FromSeconds(30),
            "the lease running out");

        // The first round finally reports a failure: it must not touch the row the second round holds.
        await database.Store.CompleteAsync(late, [new OutboxCompletion(row.Id, OutboxOutcome.Retry, RetryAfter: TimeSpan.Zero, Error: "Local_MsgTimedOut: late")], CancellationToken.None);
        Assert.Equal(1, await database.ScalarAsync($"SELECT COUNT(*) FROM rk_outbox WHERE id = {row.Id} AND state = 0 AND lease_owner = '{current}' AND last_error IS NULL"));
        Assert.Empty(await database.Store.ClaimAsync(OutboxStore.LeaseToken("api-2"), 10, TimeSpan.FromMinutes(1), blockBehindDead: true, CancellationToken.None));
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public async Task A_postgresql_lease_is_timed_by_the_database_clock_so_a_relay_with_a_slow_clock_still_excludes_others()
    {
        await using var database = await OutboxDatabase.CreateAsync("postgresql");
        await database.WriteAsync("task-events", "task-k", "task-k:0", "event-k0");
        var slow = database.OpenAnother(new SkewedClock(TimeSpan.FromMinutes(-30)));
        try
        {
            // A relay on a machine 30 minutes behind claims the row for 10 minutes.
            Assert.Single(await slow.ClaimAsync(OutboxStore.LeaseToken("slow"), 10, TimeSpan.FromMinutes(10), blockBehindDead: true, CancellationToken.None));

            // A relay with a right clock must still see the lease: by client clocks it would have ended 20 minutes ago.
            Assert.Empty(await database.Store.ClaimAsync(OutboxStore.LeaseToken("right"), 10, TimeSpan.FromMinutes(10), blockBehindDead: true, CancellationToken.None));
        }
        finally
        {
            await ((IAsyncDisposable)slow).DisposeAsync();
        }
    }
}
