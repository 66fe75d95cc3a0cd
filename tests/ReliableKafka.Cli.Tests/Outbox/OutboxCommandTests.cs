using System.Text.Json.Nodes;

namespace ReliableKafka.Cli.Tests.Outbox;

/// <summary>
/// <c>rk outbox</c> on a real outbox (SQLite file, PostgreSQL database) whose first event died at a (simulated) broker
/// through the relay: list shows the held-back key and exits 1, retry and skip change the rows as the store promises, and
/// the relay then does what they said.
/// </summary>
public sealed class OutboxCommandTests
{
    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task List_names_the_dead_event_and_what_waits_and_skip_releases_its_key_on_postgresql() => List_names_the_dead_event_and_what_waits_and_skip_releases_its_key("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task List_names_the_dead_event_and_what_waits_and_skip_releases_its_key(string kind)
    {
        await using var outbox = await BlockedOutbox.CreateAsync(kind);
        var runs = new List<RkResult>();

        var list = await outbox.RkAsync("outbox", "list");
        runs.Add(list);
        Assert.True(list.ExitCode == 1, list.Output);
        foreach (var shown in new[] { BlockedOutbox.Id(outbox.DeadId), "task-events", "task-k", "event-huge", "MsgSizeTooLarge" })
        {
            Assert.Contains(shown, list.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("(1 held back behind dead events), 1 dead.", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("rk outbox retry ID", list.Stdout, StringComparison.Ordinal);

        var json = await outbox.RkAsync("outbox", "list", "--json");
        runs.Add(json);
        Assert.True(json.ExitCode == 1, json.Output);
        var document = JsonNode.Parse(json.Stdout)!;
        Assert.Equal((1L, 1L, 1L), ((long)document["pending"]!, (long)document["waiting"]!, (long)document["dead"]!));
        Assert.NotNull((string?)document["oldestPendingAt"]);
        var dead = Assert.Single(document["deadEvents"]!.AsArray())!;
        Assert.Equal((outbox.DeadId, "task-k", "event-huge", 1, 1L), ((long)dead["outboxId"]!, (string)dead["key"]!, (string)dead["eventId"]!, (int)dead["attempts"]!, (long)dead["waiting"]!));
        Assert.StartsWith("MsgSizeTooLarge", (string)dead["reason"]!, StringComparison.Ordinal);

        var skip = await outbox.RkAsync("outbox", "skip", BlockedOutbox.Id(outbox.DeadId));
        runs.Add(skip);
        Assert.True(skip.ExitCode == 0, skip.Output);
        Assert.Contains("will never be published from the outbox", skip.Stdout, StringComparison.Ordinal);
        Assert.Contains("rk dlq replay", skip.Stdout, StringComparison.Ordinal);

        // As SkipDeadEventAsync promises: nothing dead, nothing waiting, and the relay publishes the rest of the key.
        var backlog = await outbox.Store.GetBacklogAsync();
        Assert.Equal((1L, 0L, 0L), (backlog.Pending, backlog.Dead, backlog.Waiting));
        await outbox.RelayUntilAsync(static b => b.Pending == 0, "the event behind the skipped one going out");
        Assert.Equal(["small"], outbox.Published());

        var again = await outbox.RkAsync("outbox", "skip", BlockedOutbox.Id(outbox.DeadId));
        runs.Add(again);
        Assert.True(again.ExitCode == 1, again.Output);
        Assert.Contains($"rk outbox: outbox id {outbox.DeadId} is not dead: it was skipped", again.Stderr, StringComparison.Ordinal);

        var after = await outbox.RkAsync("outbox", "list");
        runs.Add(after);
        Assert.True(after.ExitCode == 0, after.Output);
        Assert.Contains("0 pending (0 held back behind dead events), 0 dead.", after.Stdout, StringComparison.Ordinal);

        // What skip points to: the dead letter the producer wrote is there to replay.
        var letters = await RkInProcess.RunAsync("dlq", "list", "--bootstrap-servers", outbox.Cluster.BootstrapServers, "--original-topic", "task-events", "--json");
        Assert.True(letters.ExitCode == 0, letters.Output);
        Assert.Contains("event-huge", letters.Stdout, StringComparison.Ordinal);

        Assert.All(runs, run => Assert.DoesNotContain(BlockedOutbox.Password, run.Output, StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task Retry_makes_the_dead_event_pending_first_of_its_key_on_postgresql() => Retry_makes_the_dead_event_pending_first_of_its_key("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task Retry_makes_the_dead_event_pending_first_of_its_key(string kind)
    {
        await using var outbox = await BlockedOutbox.CreateAsync(kind);
        var runs = new List<RkResult>();

        var retry = await outbox.RkAsync("outbox", "retry", BlockedOutbox.Id(outbox.DeadId));
        runs.Add(retry);
        Assert.True(retry.ExitCode == 0, retry.Output);
        Assert.Contains($"event-huge (outbox id {outbox.DeadId}, key task-k of task-events) is pending again", retry.Stdout, StringComparison.Ordinal);

        // As RetryDeadEventAsync promises: both events pending, nothing dead or held back.
        var backlog = await outbox.Store.GetBacklogAsync();
        Assert.Equal((2L, 0L, 0L), (backlog.Pending, backlog.Dead, backlog.Waiting));

        // Ids that are not dead: what each is, and nothing changes.
        var pending = await outbox.RkAsync("outbox", "retry", BlockedOutbox.Id(outbox.WaitingId));
        var missing = await outbox.RkAsync("outbox", "skip", "424242");
        runs.AddRange([pending, missing]);
        Assert.Equal((1, 1), (pending.ExitCode, missing.ExitCode));
        Assert.Contains($"outbox id {outbox.WaitingId} is not dead: it is pending", pending.Stderr, StringComparison.Ordinal);
        Assert.Contains("no event has outbox id 424242", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("rk outbox list shows the dead events", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal((2L, 0L), ((await outbox.Store.GetBacklogAsync()).Pending, (await outbox.Store.GetBacklogAsync()).Dead));

        // The cause (the topic's max.message.bytes) is not fixed: the relay publishes it first again, it dies again,
        // and the event behind it still waits; nothing of the key reached the topic.
        await outbox.RelayUntilAsync(static b => b.Dead == 1, "the retried event dying again");
        var dead = Assert.Single(await outbox.Store.GetDeadEventsAsync());
        Assert.Equal((outbox.DeadId, 1L), (dead.Id, dead.Waiting));
        Assert.Empty(outbox.Published());

        var list = await outbox.RkAsync("outbox", "list");
        runs.Add(list);
        Assert.True(list.ExitCode == 1, list.Output);
        Assert.All(runs, run => Assert.DoesNotContain(BlockedOutbox.Password, run.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_sqlite_file_is_an_error_and_is_not_created()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rk-outbox-missing-{Guid.NewGuid():N}.db");

        var run = await RkInProcess.RunAsync("outbox", "list", "--sqlite", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--sqlite: no such file '{path}'", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_sqlite_file_without_an_outbox_is_an_error_that_says_what_to_check()
    {
        using var files = new TempFiles();
        var path = files.Write("other.db", "");

        var run = await RkInProcess.RunAsync("outbox", "list", "--sqlite", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("rk outbox: the outbox could not be read or written (SqliteException", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("rk_outbox", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Give the outbox's database: exactly one of --sqlite FILE or --postgres CONNECTION.", "outbox", "list")]
    [InlineData("Give the outbox's database: exactly one of --sqlite FILE or --postgres CONNECTION.", "outbox", "list", "--sqlite", "a.db", "--postgres", "Host=db;Password=hunter2")]
    [InlineData("--sqlite: no such file 'no-such.db'", "outbox", "retry", "1", "--sqlite", "no-such.db")]
    [InlineData("--postgres: the connection string is empty.", "outbox", "list", "--postgres", "")]
    [InlineData("--postgres takes an Npgsql connection string", "outbox", "list", "--postgres")]
    [InlineData("--sqlite takes the service's database file", "outbox", "retry", "1", "--sqlite")]
    [InlineData("--postgres: the connection string cannot be read (Couldn't set port", "outbox", "list", "--postgres", "Host=db;Port=hunter2;Password=hunter2")]
    [InlineData("--postgres: the connection string cannot be read (Format of the initialization string", "outbox", "list", "--postgres", "Password='hunter2")]
    [InlineData("Error: Unknown option 'bogus'.", "outbox", "list", "--postgres", "Host=db;Password=hunter2", "--bogus")]
    [InlineData("Error: Unknown option 'bogus'.", "outbox", "list", "--postgres=Host=db;Password=hunter2", "--bogus")]
    [InlineData("Error: Unknown command", "outbox", "list", "Host=db;Password=hunter2")]
    [InlineData("Error: the argument takes a whole number, not 'x'", "outbox", "skip", "x", "--postgres", "Host=db;Password=hunter2")]
    [InlineData("rk outbox: the outbox could not be read or written (NpgsqlException: Failed to connect to 127.0.0.1:1)", "outbox", "list", "--postgres", "Host=127.0.0.1;Port=1;Password=hunter2;Timeout=2")]
    public async Task Bad_input_says_what_to_give_and_never_prints_the_connection_string(string message, params string[] args)
    {
        var run = await RkInProcess.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Output, StringComparison.Ordinal);
    }
}
