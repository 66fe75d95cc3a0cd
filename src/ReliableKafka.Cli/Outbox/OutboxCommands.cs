using System.ComponentModel;
using System.Data.Common;
using System.Globalization;
using ReliableKafka.Cli.Common;
using ReliableKafka.Outbox;
using ReliableKafka.Outbox.PostgreSql;
using ReliableKafka.Outbox.Sqlite;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Outbox;

/// <summary>Adds <c>rk outbox</c> (list, retry, skip) to rk's command line.</summary>
internal static class OutboxBranch
{
    public static void AddOutboxBranch(this IConfigurator config) =>
        config.AddBranch("outbox", outbox =>
        {
            outbox.SetDescription("See and resolve dead outbox events: each holds back the later events of its key until it is retried or skipped. "
                + "Exit codes: 0 done (list: nothing dead), 1 list: some key is held back / retry, skip: no dead event has that id, 2 bad input or the database cannot be read.");
            outbox.AddCommand<OutboxListCommand>("list")
                .WithDescription("List the dead events: outbox id, topic, key, event id, reason, attempts, age, and how many events of the key wait behind each.")
                .WithExample("outbox", "list", "--sqlite", "data/tasks.db");
            outbox.AddCommand<OutboxRetryCommand>("retry")
                .WithDescription("Make a dead event pending again, first of its key (fix its cause first); the events behind it follow in order.")
                .WithExample("outbox", "retry", "42", "--postgres", "Host=db;Database=tasks;Username=app");
            outbox.AddCommand<OutboxSkipCommand>("skip")
                .WithDescription("Give up on a dead event: it is never published from the outbox, and the rest of its key goes out. Replay its dead letter first (rk dlq replay) if it must still reach the topic ahead of them.")
                .WithExample("outbox", "skip", "42", "--sqlite", "data/tasks.db");
        });
}

/// <summary>The exit codes of <c>rk outbox</c>.</summary>
internal static class OutboxExitCodes
{
    public const int Done = 0;
    public const int NotDone = 1;
    public const int BadInput = 2;
}

/// <summary>The <c>rk outbox list --json</c> document.</summary>
/// <param name="Pending">Events not yet published.</param>
/// <param name="Waiting">Pending events held back behind a dead event of their key.</param>
/// <param name="Dead">Dead events.</param>
/// <param name="DeadEvents">Each dead event, oldest first.</param>
internal sealed record OutboxListDocument(long Pending, long Waiting, long Dead, IReadOnlyList<DeadEventDocument> DeadEvents);

/// <summary>One dead event: what resolves it takes <paramref name="OutboxId"/>.</summary>
internal sealed record DeadEventDocument(long OutboxId, string Topic, string Key, string EventId, string Reason, int Attempts, string CreatedAt, long Waiting);

/// <summary>Where the outbox is: a SQLite file or a PostgreSQL database.</summary>
internal class OutboxSettings : CommandSettings
{
    [CommandOption("--sqlite <FILE>")]
    [Description("The SQLite database file that holds rk_outbox.")]
    public string? Sqlite { get; init; }

    [CommandOption("--postgres <CONNECTION>")]
    [Description("An Npgsql connection string of the database that holds rk_outbox (never printed).")]
    public string? Postgres { get; init; }

    public override ValidationResult Validate() =>
        (Sqlite is null) == (Postgres is null) ? ValidationResult.Error("Give the outbox's database: exactly one of --sqlite FILE or --postgres CONNECTION.")
        : Sqlite is not null && !File.Exists(Sqlite) ? ValidationResult.Error($"--sqlite: no such file '{Sqlite}'. Give the service's database file (the Task API's is data/tasks.db under its data directory).")
        : ValidationResult.Success();
}

/// <summary><c>rk outbox list</c>'s flags.</summary>
internal sealed class OutboxListSettings : OutboxSettings
{
    [CommandOption("--json")]
    [Description("Write the backlog and the dead events as JSON (docs/schemas/outbox-list.schema.json).")]
    public bool Json { get; init; }
}

/// <summary>An outbox id argument.</summary>
internal sealed class OutboxEventSettings : OutboxSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("The dead event's outbox id, as rk outbox list shows it.")]
    public long Id { get; init; }
}

/// <summary>What the <c>rk outbox</c> commands share: opening the store, and reporting a database failure without the connection string.</summary>
internal abstract class OutboxCommand<TSettings>(IAnsiConsole console, StandardError standardError) : AsyncCommand<TSettings>
    where TSettings : OutboxSettings
{
    protected IAnsiConsole Console { get; } = console;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        OutboxStore store = settings.Sqlite is { } file ? new SqliteOutboxStore($"Data Source={Path.GetFullPath(file)};Mode=ReadWrite") : new PostgreSqlOutboxStore(settings.Postgres!);
        try
        {
            return await RunAsync(store, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            standardError.WriteLine($"rk outbox: the outbox could not be read or written ({e.GetType().Name}: {e.Message}). Check that the database is reachable and holds rk_outbox (the relay creates it at start).");
            return OutboxExitCodes.BadInput;
        }
        finally
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    protected abstract Task<int> RunAsync(OutboxStore store, TSettings settings, CancellationToken cancellationToken);

    protected void Error(string message) => standardError.WriteLine($"rk outbox: {message}");
}

/// <summary><c>rk outbox list</c>.</summary>
internal sealed class OutboxListCommand(IAnsiConsole console, StandardError standardError) : OutboxCommand<OutboxListSettings>(console, standardError)
{
    protected override async Task<int> RunAsync(OutboxStore store, OutboxListSettings settings, CancellationToken cancellationToken)
    {
        var backlog = await store.GetBacklogAsync(cancellationToken).ConfigureAwait(false);
        var dead = await store.GetDeadEventsAsync(1000, cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            Console.WriteRaw(ReportJson.Serialize(new OutboxListDocument(
                backlog.Pending,
                backlog.Waiting,
                backlog.Dead,
                [.. dead.Select(static d => new DeadEventDocument(d.Id, d.Topic, d.Key, d.EventId, d.Reason, d.Attempts, d.CreatedAt.ToString("O", CultureInfo.InvariantCulture), d.Waiting))])));
            return dead.Count == 0 ? OutboxExitCodes.Done : OutboxExitCodes.NotDone;
        }

        if (dead.Count > 0)
        {
            var now = DateTimeOffset.UtcNow;
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Outbox id", "Topic", "Key", "Event id", "Reason", "Attempts", "Age", "Waiting");
            foreach (var d in dead)
            {
                table.AddRow(
                    Markup.Escape(d.Id.ToString(CultureInfo.InvariantCulture)),
                    Markup.Escape(d.Topic),
                    Markup.Escape(d.Key),
                    Markup.Escape(d.EventId),
                    Markup.Escape(d.Reason),
                    d.Attempts.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(Age(now - d.CreatedAt)),
                    d.Waiting.ToString(CultureInfo.InvariantCulture));
            }

            Console.Write(table);
        }

        Console.WriteLine($"{backlog.Pending} pending ({backlog.Waiting} held back behind dead events), {backlog.Dead} dead.");
        if (dead.Count == 0)
        {
            return OutboxExitCodes.Done;
        }

        Console.WriteLine("Each dead event holds back the later events of its key. Fix the cause, then: rk outbox retry ID; or give it up: rk outbox skip ID.");
        return OutboxExitCodes.NotDone;
    }

    private static string Age(TimeSpan age) =>
        age < TimeSpan.Zero ? "0 s" : age.TotalHours >= 1 ? $"{age.TotalHours:0.#} h" : age.TotalMinutes >= 1 ? $"{age.TotalMinutes:0.#} min" : $"{age.TotalSeconds:0} s";
}

/// <summary><c>rk outbox retry ID</c>.</summary>
internal sealed class OutboxRetryCommand(IAnsiConsole console, StandardError standardError) : OutboxCommand<OutboxEventSettings>(console, standardError)
{
    protected override async Task<int> RunAsync(OutboxStore store, OutboxEventSettings settings, CancellationToken cancellationToken)
    {
        var dead = (await store.GetDeadEventsAsync(100_000, cancellationToken).ConfigureAwait(false)).FirstOrDefault(d => d.Id == settings.Id);
        if (dead is null || !await store.RetryDeadEventAsync(settings.Id, cancellationToken).ConfigureAwait(false))
        {
            Error($"no dead event has outbox id {settings.Id}; rk outbox list shows the dead events and their ids.");
            return OutboxExitCodes.NotDone;
        }

        Console.WriteLine($"Event {dead.EventId} (key {dead.Key} of {dead.Topic}) is pending again, first of its key; {dead.Waiting} event(s) behind it follow once it is published. If its cause is not fixed it dies again.");
        return OutboxExitCodes.Done;
    }
}

/// <summary><c>rk outbox skip ID</c>.</summary>
internal sealed class OutboxSkipCommand(IAnsiConsole console, StandardError standardError) : OutboxCommand<OutboxEventSettings>(console, standardError)
{
    protected override async Task<int> RunAsync(OutboxStore store, OutboxEventSettings settings, CancellationToken cancellationToken)
    {
        var dead = (await store.GetDeadEventsAsync(100_000, cancellationToken).ConfigureAwait(false)).FirstOrDefault(d => d.Id == settings.Id);
        if (dead is null || !await store.SkipDeadEventAsync(settings.Id, cancellationToken).ConfigureAwait(false))
        {
            Error($"no dead event has outbox id {settings.Id}; rk outbox list shows the dead events and their ids.");
            return OutboxExitCodes.NotDone;
        }

        Console.WriteLine($"Event {dead.EventId} (key {dead.Key} of {dead.Topic}) is skipped: it will never be published from the outbox; the {dead.Waiting} event(s) behind it go out now. Its dead letter is still in the dead-letter topic (rk dlq list) if it must reach the topic after all.");
        return OutboxExitCodes.Done;
    }
}
