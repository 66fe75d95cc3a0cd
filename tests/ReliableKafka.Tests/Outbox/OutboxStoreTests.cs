using ReliableKafka.Outbox;
using ReliableKafka.Outbox.PostgreSql;
using ReliableKafka.Outbox.Sqlite;

namespace ReliableKafka.Tests.Outbox;

/// <summary>The store's own statements, on a real SQLite file and a real PostgreSQL database.</summary>
public sealed class OutboxStoreTests
{
    [Fact]
    public async Task Sqlite_writers_of_one_file_take_turns_in_process_and_postgresql_writers_do_not_wait()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rk-turns-{Guid.NewGuid():N}.db");
        var first = new SqliteOutboxStore($"Data Source={path}");
        var second = new SqliteOutboxStore($"Data Source={path};Cache=Shared");
        var elsewhere = new SqliteOutboxStore($"Data Source={path}.other");

        var held = await first.EnterWriteAsync();
        var waiting = second.EnterWriteAsync().AsTask();
        var other = elsewhere.EnterWriteAsync().AsTask();

        Assert.False(waiting.IsCompleted);
        Assert.True(other.IsCompletedSuccessfully);
        held.Dispose();
        held.Dispose();
        (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        (await other).Dispose();
        await using var postgres = new PostgreSqlOutboxStore("Host=127.0.0.1;Database=unused");
        using var a = await postgres.EnterWriteAsync();
        var another = postgres.EnterWriteAsync();
        Assert.True(another.IsCompletedSuccessfully, "a second PostgreSQL writer waited for the first");
        (await another).Dispose();
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task Complete_records_sent_retry_and_dead_in_one_transaction_and_only_for_the_lease_owner_on_postgresql() => Complete_records_sent_retry_and_dead_in_one_transaction_and_only_for_the_lease_owner("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task Complete_records_sent_retry_and_dead_in_one_transaction_and_only_for_the_lease_owner(string kind)
    {
        await using var database = await OutboxDatabase.CreateAsync(kind);
        for (var i = 0; i < 4; i++)
        {
            await database.WriteAsync("task-events", $"task-{i}", $"task-{i}:0", $"event-{i}");
        }

        var claimed = await database.Store.ClaimAsync("relay-a", 10, TimeSpan.FromMinutes(1), blockBehindDead: true, CancellationToken.None);
        Assert.Equal(4, claimed.Count);
        var retryAfter = TimeSpan.FromMinutes(5);
        var notBefore = DateTimeOffset.UtcNow.Add(retryAfter).AddSeconds(-1).ToUnixTimeMilliseconds();

        // PostgreSQL sends these as one batch (one round trip); SQLite runs them one by one. Same result.
        await database.Store.CompleteAsync("relay-a", [
            new OutboxCompletion(claimed[0].Id, OutboxOutcome.Sent, Partition: 2, Offset: 41),
            new OutboxCompletion(claimed[1].Id, OutboxOutcome.Retry, RetryAfter: retryAfter, Error: "Local_MsgTimedOut: timed out"),
            new OutboxCompletion(claimed[2].Id, OutboxOutcome.Dead, Error: "MsgSizeTooLarge: too large"),
        ], CancellationToken.None);
        await database.Store.CompleteAsync("relay-b", [new OutboxCompletion(claimed[3].Id, OutboxOutcome.Sent, Partition: 0, Offset: 1)], CancellationToken.None);

        Assert.Equal(1, await database.ScalarAsync($"SELECT COUNT(*) FROM rk_outbox WHERE id = {claimed[0].Id} AND state = 1 AND sent_partition = 2 AND sent_offset = 41 AND lease_owner IS NULL"));
        Assert.Equal(1, await database.ScalarAsync($"SELECT COUNT(*) FROM rk_outbox WHERE id = {claimed[1].Id} AND state = 0 AND next_attempt_at >= {notBefore} AND last_error LIKE 'Local_MsgTimedOut%' AND lease_owner IS NULL"));
        Assert.Equal(1, await database.ScalarAsync($"SELECT COUNT(*) FROM rk_outbox WHERE id = {claimed[2].Id} AND state = 2 AND last_error LIKE 'MsgSizeTooLarge%'"));
        Assert.Equal(1, await database.ScalarAsync($"SELECT COUNT(*) FROM rk_outbox WHERE id = {claimed[3].Id} AND state = 0 AND lease_owner = 'relay-a'"));
        var backlog = await database.Store.GetBacklogAsync();
        Assert.Equal((2, 1, 0), (backlog.Pending, backlog.Dead, backlog.Waiting));
        Assert.Equal(claimed[2].Id, Assert.Single(backlog.DeadEvents).Id);
    }
}
