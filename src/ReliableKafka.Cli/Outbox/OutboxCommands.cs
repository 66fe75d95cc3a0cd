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
                + "Exit codes: 0 done (list: nothing dead); 1 list: some key is held back, retry/skip: no dead event has that id; 2 bad input, or the database cannot be read.");
            outbox.AddCommand<OutboxListCommand>("list")
                .WithDescription("List the dead events: outbox id, topic, key, event id, reason, attempts, age, and how many events of the key wait behind each.")
                .WithExample("outbox", "list", "--sqlite", "data/tasks.db");
            outbox.AddCommand<OutboxRetryCommand>("retry")
                .WithDescription("Make a dead event pending again, first of its key (fix its cause first); the events behind it follow in order.")
                .WithExample("outbox", "retry", "42", "--postgres", "Host=db;Database=tasks;Username=app");
            outbox.AddCommand<OutboxSkipCommand>("skip")
                .WithDescription("Give up on a dead event: it is never published from the outbox, and the events of its key that waited behind it go out. If it must still reach its topic, replay its dead letter with rk dlq replay first, so that it lands ahead of them.")
                .WithExample("outbox", "skip", "42", "--sqlite", "data/tasks.db");
        });
}

/// <summary>The exit codes of <c>rk outbox</c> (docs/cli.md).</summary>
internal static class OutboxExitCodes
{
    /// <summary>Done: <c>list</c> found nothing dead; <c>retry</c> or <c>skip</c> resolved the event.</summary>
    public const int Done = 0;

    /// <summary>Not done: <c>list</c> found a dead event (its key is held back); <c>retry</c>/<c>skip</c>: no dead event has that id.</summary>
    public const int NotDone = 1;

    /// <summary>rk cannot work with the input: the database options, a missing file, a connection string it cannot read, a database it cannot read or write.</summary>
    public const int BadInput = 2;
}

/// <summary>The <c>rk outbox list --json</c> document.</summary>
/// <param name="Pending">Events not yet published.</param>
/// <param name="Waiting">Pending events held back behind a dead event of their key.</param>
/// <param name="Dead">Dead events.</param>
/// <param name="DeadEvents">Each dead event, oldest first (the first <see cref="OutboxListCommand.MaxListed"/>: fewer than <paramref name="Dead"/> when more are dead).</param>
/// <param name="OldestPendingAt">When the oldest pending event was written (ISO 8601, UTC); null when none is pending. Added after the first version.</param>
internal sealed record OutboxListDocument(long Pending, long Waiting, long Dead, IReadOnlyList<DeadEventDocument> DeadEvents, string? OldestPendingAt = null);

/// <summary>One dead event: what resolves it takes <paramref name="OutboxId"/>.</summary>
internal sealed record DeadEventDocument(long OutboxId, string Topic, string Key, string EventId, string Reason, int Attempts, string CreatedAt, long Waiting);

/// <summary>Where the outbox is: a SQLite file or a PostgreSQL database.</summary>
internal class OutboxSettings : CommandSettings
{
    /// <summary>The option whose value rk never prints (<see cref="CommandErrors"/> keeps it out of usage errors too).</summary>
    public const string PostgresOption = "--postgres";

    [CommandOption("--sqlite <FILE>")]
    [Description("The SQLite database file that holds rk_outbox (an existing file; rk never creates one).")]
    public string? Sqlite { get; init; }

    [CommandOption(PostgresOption + " <CONNECTION>")]
    [Description("An Npgsql connection string of the database that holds rk_outbox (never printed).")]
    public string? Postgres { get; init; }

    /// <summary>What Spectre.Console.Cli binds to an option given last without its value.</summary>
    private const string NoValue = "__default_command";

    public override ValidationResult Validate() =>
        (Sqlite is null) == (Postgres is null) ? ValidationResult.Error("Give the outbox's database: exactly one of --sqlite FILE or --postgres CONNECTION.")
        : Sqlite == NoValue ? ValidationResult.Error("--sqlite takes the service's database file, for example --sqlite data/tasks.db.")
        : Postgres == NoValue ? ValidationResult.Error("--postgres takes an Npgsql connection string, for example --postgres \"Host=db;Database=tasks;Username=app\".")
        : Postgres is not null && string.IsNullOrWhiteSpace(Postgres) ? ValidationResult.Error("--postgres: the connection string is empty. Give the service's, for example \"Host=db;Database=tasks;Username=app\" (a password is best left to PGPASSWORD or ~/.pgpass).")
        : Sqlite is not null && string.IsNullOrWhiteSpace(Sqlite) ? ValidationResult.Error("--sqlite: the file name is empty. Give the service's database file (the Task API's is tasks.db in its data directory).")
        : Sqlite is not null && !File.Exists(Sqlite) ? ValidationResult.Error($"--sqlite: no such file '{Sqlite}'. Give the service's database file (the Task API's is tasks.db in its data directory); rk does not create one.")
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
        if (Open(settings) is not { } store)
        {
            return OutboxExitCodes.BadInput;
        }

        try
        {
            return await RunAsync(store, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            // Npgsql's and SQLite's messages name the host, database, user or table, never the password.
            Error($"the outbox could not be read or written ({e.GetType().Name}: {e.Message}). Check that the database is reachable, that it is the service's, and that it holds rk_outbox (the relay creates it when it starts).");
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

    /// <summary>
    /// What <c>retry</c> and <c>skip</c> say when <paramref name="id"/> is not a dead event: what the row is instead (pending,
    /// published, skipped) or that there is none, and where to find the dead events' ids.
    /// </summary>
    protected async Task<int> NotDeadAsync(OutboxStore store, long id, CancellationToken cancellationToken)
    {
        var state = await OutboxRows.StateAsync(store, id, cancellationToken).ConfigureAwait(false);
        var what = state switch
        {
            null => $"no event has outbox id {id}",
            OutboxRows.Pending => $"outbox id {id} is not dead: it is pending (the relay publishes it, or it waits behind a dead event of its key)",
            OutboxRows.Sent => $"outbox id {id} is not dead: it was published",
            OutboxRows.Skipped => $"outbox id {id} is not dead: it was skipped, and is never published from the outbox",
            _ => $"outbox id {id} is not dead",
        };
        Error($"{what}. Nothing was changed; rk outbox list shows the dead events and their ids.");
        return OutboxExitCodes.NotDone;
    }

    /// <summary>The store over the database the settings name; null (with the error written) when the connection string cannot be read.</summary>
    private OutboxStore? Open(TSettings settings)
    {
        if (settings.Sqlite is { } file)
        {
            // ReadWrite: an existing file only (Validate checked it is there); never a new, empty database.
            var sqlite = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(file), Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadWrite };
            return new SqliteOutboxStore(sqlite.ConnectionString);
        }

        try
        {
            return new PostgreSqlOutboxStore(settings.Postgres!);
        }
        catch (ArgumentException e)
        {
            // The outer message names the keyword ("Couldn't set port"); the inner one can quote the value, so it is left out.
            Error($"--postgres: the connection string cannot be read ({e.Message}). Give an Npgsql connection string such as \"Host=db;Database=tasks;Username=app\"; rk does not print it.");
            return null;
        }
    }
}

/// <summary>Reads one outbox row's state, to explain why an id is not a dead event.</summary>
internal static class OutboxRows
{
    // rk_outbox.state, as OutboxStore writes it.
    public const int Pending = 0;
    public const int Sent = 1;
    public const int Dead = 2;
    public const int Skipped = 3;

    public static async Task<int?> StateAsync(OutboxStore store, long id, CancellationToken cancellationToken)
    {
        var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "SELECT state FROM rk_outbox WHERE id = @id";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "id";
                parameter.Value = id;
                command.Parameters.Add(parameter);
                var state = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return state is null or DBNull ? null : Convert.ToInt32(state, CultureInfo.InvariantCulture);
            }
        }
    }
}

/// <summary><c>rk outbox list</c>.</summary>
internal sealed class OutboxListCommand(IAnsiConsole console, StandardError standardError) : OutboxCommand<OutboxListSettings>(console, standardError)
{
    /// <summary>The most dead events listed; the summary says how many more there are.</summary>
    public const int MaxListed = 1000;

    protected override async Task<int> RunAsync(OutboxStore store, OutboxListSettings settings, CancellationToken cancellationToken)
    {
        var backlog = await store.GetBacklogAsync(cancellationToken).ConfigureAwait(false);
        var dead = await store.GetDeadEventsAsync(MaxListed, cancellationToken).ConfigureAwait(false);
        var exitCode = dead.Count == 0 && backlog.Dead == 0 ? OutboxExitCodes.Done : OutboxExitCodes.NotDone;
        if (settings.Json)
        {
            Console.WriteRaw(ReportJson.Serialize(new OutboxListDocument(
                backlog.Pending,
                backlog.Waiting,
                backlog.Dead,
                [.. dead.Select(static d => new DeadEventDocument(d.Id, d.Topic, d.Key, d.EventId, d.Reason, d.Attempts, Timestamp(d.CreatedAt), d.Waiting))],
                backlog.OldestPendingAt is { } oldestAt ? Timestamp(oldestAt) : null)));
            return exitCode;
        }

        var now = DateTimeOffset.UtcNow;
        if (dead.Count > 0)
        {
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

        var oldest = backlog.OldestPendingAt is { } at ? $", oldest {Age(now - at)} old" : "";
        Console.WriteLine($"{backlog.Pending} pending{oldest} ({backlog.Waiting} held back behind dead events), {backlog.Dead} dead.");
        if (backlog.Dead > dead.Count)
        {
            Console.WriteLine($"Showing the oldest {dead.Count} of {backlog.Dead} dead events.");
        }

        if (exitCode == OutboxExitCodes.Done)
        {
            return exitCode;
        }

        Console.WriteLine("Each dead event holds back the later events of its key. Fix the cause, then: rk outbox retry ID; or give it up: rk outbox skip ID.");
        return exitCode;
    }

    private static string Timestamp(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    private static string Age(TimeSpan age) =>
        age < TimeSpan.Zero ? "0 s" : age.TotalDays >= 2 ? $"{age.TotalDays:0.#} d" : age.TotalHours >= 1 ? $"{age.TotalHours:0.#} h" : age.TotalMinutes >= 1 ? $"{age.TotalMinutes:0.#} min" : $"{age.TotalSeconds:0} s";
}

/// <summary><c>rk outbox retry ID</c>.</summary>
internal sealed class OutboxRetryCommand(IAnsiConsole console, StandardError standardError) : OutboxCommand<OutboxEventSettings>(console, standardError)
{
    protected override async Task<int> RunAsync(OutboxStore store, OutboxEventSettings settings, CancellationToken cancellationToken)
    {
        var dead = (await store.GetDeadEventsAsync(int.MaxValue, cancellationToken).ConfigureAwait(false)).FirstOrDefault(d => d.Id == settings.Id);
        if (dead is null || !await store.RetryDeadEventAsync(settings.Id, cancellationToken).ConfigureAwait(false))
        {
            return await NotDeadAsync(store, settings.Id, cancellationToken).ConfigureAwait(false);
        }

        Console.WriteLine($"Event {dead.EventId} (outbox id {dead.Id}, key {dead.Key} of {dead.Topic}) is pending again, first of its key: the relay publishes it next, then the {dead.Waiting} event(s) that waited behind it, in order. If its cause ({dead.Reason}) is not fixed, it dies again and holds its key back again.");
        return OutboxExitCodes.Done;
    }
}

/// <summary><c>rk outbox skip ID</c>.</summary>
internal sealed class OutboxSkipCommand(IAnsiConsole console, StandardError standardError) : OutboxCommand<OutboxEventSettings>(console, standardError)
{
    protected override async Task<int> RunAsync(OutboxStore store, OutboxEventSettings settings, CancellationToken cancellationToken)
    {
        var dead = (await store.GetDeadEventsAsync(int.MaxValue, cancellationToken).ConfigureAwait(false)).FirstOrDefault(d => d.Id == settings.Id);
        if (dead is null || !await store.SkipDeadEventAsync(settings.Id, cancellationToken).ConfigureAwait(false))
        {
            return await NotDeadAsync(store, settings.Id, cancellationToken).ConfigureAwait(false);
        }

        Console.WriteLine($"Event {dead.EventId} (outbox id {dead.Id}, key {dead.Key} of {dead.Topic}) is skipped: it will never be published from the outbox. The {dead.Waiting} event(s) that waited behind it go out now.");
        Console.WriteLine($"If it must still reach {dead.Topic}, replay its dead letter: rk dlq list --original-topic {dead.Topic} shows it (event id {dead.EventId}), rk dlq replay --offsets PARTITION:OFFSET replays it. "
            + "Replayed now, it lands after the events that waited behind it; when their order matters, replay it first and skip after.");
        return OutboxExitCodes.Done;
    }
}
