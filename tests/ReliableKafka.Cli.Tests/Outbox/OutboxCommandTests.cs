using System.Security.Cryptography;
using ReliableKafka.Outbox;
using ReliableKafka.Outbox.Sqlite;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;

namespace ReliableKafka.Cli.Tests.Outbox;

/// <summary><c>rk outbox</c> on a real SQLite outbox whose first event died at a real (simulated) broker.</summary>
public sealed class OutboxCommandTests
{
    /// <summary>An outbox whose key "task-k" is held back: its first event is too large for the topic, one more waits behind it.</summary>
    internal static async Task<(string Path, long DeadId)> BlockedOutboxAsync()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = true });
        cluster.CreateTopic("task-events", new TopicSettings(1, 3, 2, MaxMessageBytes: 2000));
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rk-outbox-cli-{Guid.NewGuid():N}.db");
        var store = new SqliteOutboxStore($"Data Source={path}");
        await store.EnsureCreatedAsync();
        foreach (var (value, eventId) in new[] { (Convert.ToBase64String(RandomNumberGenerator.GetBytes(6000)), "event-huge"), ("small", "event-small") })
        {
            await using var connection = await store.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await store.EnqueueAsync(transaction, new OutboxEvent("task-events", "task-k", value, eventId));
            await transaction.CommitAsync();
        }

        await using (var producer = new ReliableProducer<string, string>(new ReliableProducerOptions { BootstrapServers = cluster.BootstrapServers, Settings = { ["linger.ms"] = "1" } }))
        {
            using var relay = new OutboxRelay(store, producer, new OutboxRelayOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
            await relay.StartAsync(CancellationToken.None);
            await Eventually.WaitUntilAsync(async () => (await store.GetBacklogAsync()).Dead == 1, TimeSpan.FromSeconds(30), "the oversized event dying");
            await relay.StopAsync(CancellationToken.None);
        }

        return (path, Assert.Single(await store.GetDeadEventsAsync()).Id);
    }

    [Fact]
    public async Task List_names_the_dead_event_and_what_waits_and_skip_releases_its_key()
    {
        var (path, deadId) = await BlockedOutboxAsync();

        var list = await RkInProcess.RunAsync("outbox", "list", "--sqlite", path);
        Assert.True(list.ExitCode == 1, list.Output);
        Assert.Contains("event-huge", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("MsgSizeTooLarge", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 pending (1 held back behind dead events), 1 dead.", list.Stdout, StringComparison.Ordinal);

        var skip = await RkInProcess.RunAsync("outbox", "skip", deadId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--sqlite", path);
        Assert.True(skip.ExitCode == 0, skip.Output);
        Assert.Contains("will never be published from the outbox", skip.Stdout, StringComparison.Ordinal);

        var again = await RkInProcess.RunAsync("outbox", "skip", deadId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--sqlite", path);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"no dead event has outbox id {deadId}", again.Output, StringComparison.Ordinal);

        var after = await RkInProcess.RunAsync("outbox", "list", "--sqlite", path);
        Assert.True(after.ExitCode == 0, after.Output);
        Assert.Contains("1 pending (0 held back behind dead events), 0 dead.", after.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_makes_the_dead_event_pending_first_of_its_key()
    {
        var (path, deadId) = await BlockedOutboxAsync();

        var retry = await RkInProcess.RunAsync("outbox", "retry", deadId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--sqlite", path);

        Assert.True(retry.ExitCode == 0, retry.Output);
        Assert.Contains("event-huge (key task-k of task-events) is pending again", retry.Stdout, StringComparison.Ordinal);
        var store = new SqliteOutboxStore($"Data Source={path}");
        var backlog = await store.GetBacklogAsync();
        Assert.Equal((2L, 0L, 0L), (backlog.Pending, backlog.Dead, backlog.Waiting));
    }

    [Theory]
    [InlineData("Give the outbox's database: exactly one of --sqlite FILE or --postgres CONNECTION.", "outbox", "list")]
    [InlineData("Give the outbox's database: exactly one of --sqlite FILE or --postgres CONNECTION.", "outbox", "list", "--sqlite", "a.db", "--postgres", "Host=db;Password=hunter2")]
    [InlineData("--sqlite: no such file 'no-such.db'", "outbox", "retry", "1", "--sqlite", "no-such.db")]
    public async Task Bad_input_says_what_to_give_and_never_prints_the_connection_string(string message, params string[] args)
    {
        var run = await RkInProcess.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Output, StringComparison.Ordinal);
    }
}
