using System.ComponentModel;
using ReliableKafka.Audit.Checking;
using ReliableKafka.Audit.Checking.Library;
using ReliableKafka.Cli.Common;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Check;

/// <summary><c>rk check</c>: the simulator checker, for as long as asked or for one seed.</summary>
internal sealed class CheckCommand(IAnsiConsole console, StandardError standardError) : AsyncCommand<CheckCommand.Settings>
{
    public const int ExitPassed = 0;
    public const int ExitViolation = 1;

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--seconds <N>")]
        [Description("Explore random fault schedules for N seconds (a failure is then shrunk within what is left). Default 60.")]
        [DefaultValue(60)]
        public int Seconds { get; init; } = 60;

        [CommandOption("--seed <SEED>")]
        [Description("Replay the one schedule of this seed, as a failing check printed it.")]
        public string? Seed { get; init; }

        [CommandOption("--library")]
        [Description("Check the library's promises instead (outbox relays, ReliableProducer, idempotent consumer) under random fault histories.")]
        public bool Library { get; init; }

        [CommandOption("--postgres <CONNECTION>")]
        [Description("With --library: a PostgreSQL connection string allowed to create databases; each history then also runs two relays on a fresh PostgreSQL outbox. The RK_CHECK_POSTGRES environment variable is read when it is not given.")]
        public string? Postgres { get; init; }

        public override ValidationResult Validate() =>
            Seconds is < 1 or > 86_400 ? ValidationResult.Error($"--seconds must be between 1 and 86400, not {Seconds}.")
            : Postgres is not null && !Library ? ValidationResult.Error("--postgres is an option of --library; add --library or drop --postgres.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Library)
        {
            return await CheckLibraryAsync(settings, cancellationToken).ConfigureAwait(false);
        }

        console.MarkupLine("[bold]Invariants[/]");
        foreach (var (invariant, description) in CheckInvariants.All)
        {
            console.MarkupLineInterpolated($"  {invariant}: {description}");
        }

        if (settings.Seed is null)
        {
            console.MarkupLineInterpolated($"[bold]Schedules[/] (random, for {settings.Seconds} s)");
        }
        else
        {
            console.MarkupLineInterpolated($"[bold]Schedule[/] of seed {settings.Seed}");
        }

        var number = 0;
        var report = await SimulatorChecker.RunAsync(
            new CheckOptions
            {
                Duration = TimeSpan.FromSeconds(settings.Seconds),
                Seed = settings.Seed,
                OnResult = result =>
                {
                    number++;
                    var verdict = result.Passed ? "[green]pass[/]" : "[red]VIOLATION[/]";
                    console.MarkupLine($"  {number,4} {verdict} {result.Elapsed.TotalSeconds,5:0.0} s  acked {result.Acknowledged,5}  read {result.Consumed,5}  elections {result.Elections,2} (unclean {result.UncleanElections})  truncations {result.Truncations,2}  txns {result.TransactionsCommitted,3}+{result.TransactionsAborted} aborted  {Markup.Escape(result.Schedule.ToString())}");
                    foreach (var violation in result.Violations)
                    {
                        console.MarkupLineInterpolated($"         - {violation}");
                    }

                },
                OnMessage = line => console.MarkupLineInterpolated($"  [grey]{line}[/]"),
            },
            cancellationToken).ConfigureAwait(false);

        if (report.Passed)
        {
            console.MarkupLineInterpolated($"[green]No violation[/] in {report.Results.Count} schedules.");
            return ExitPassed;
        }

        var smallest = report.Smallest!;
        console.MarkupLine("[red bold]Violations[/] (smallest failing schedule found):");
        console.MarkupLineInterpolated($"  schedule: {smallest.Schedule}");
        foreach (var violation in smallest.Violations)
        {
            console.MarkupLineInterpolated($"  - {violation}");
        }

        if (report.Seed is not null)
        {
            console.MarkupLineInterpolated($"  replay: rk check --seed {report.Seed}");
        }

        standardError.WriteLine($"rk check: {smallest.Violations.Count} invariant(s) broken; replay with --seed {report.Seed}.");
        return ExitViolation;
    }

    private async Task<int> CheckLibraryAsync(Settings settings, CancellationToken cancellationToken)
    {
        var postgres = settings.Postgres ?? Environment.GetEnvironmentVariable("RK_CHECK_POSTGRES");
        postgres = string.IsNullOrWhiteSpace(postgres) ? null : postgres;
        console.MarkupLine("[bold]Promises[/]");
        foreach (var (promise, description) in LibraryPromises.All)
        {
            console.MarkupLineInterpolated($"  {promise}: {description}");
        }

        console.MarkupLineInterpolated($"[bold]Outboxes[/]: SQLite (one relay){(postgres is null ? "; no PostgreSQL (give --postgres to add two relays on a PostgreSQL outbox)" : " and PostgreSQL (two relays)")}");
        if (settings.Seed is null)
        {
            console.MarkupLineInterpolated($"[bold]Histories[/] (random, for {settings.Seconds} s)");
        }
        else
        {
            console.MarkupLineInterpolated($"[bold]History[/] of seed {settings.Seed}");
        }

        var number = 0;
        var report = await LibraryChecker.RunAsync(
            new LibraryCheckOptions
            {
                Duration = TimeSpan.FromSeconds(settings.Seconds),
                Seed = settings.Seed,
                Settings = new LibraryCheckSettings { PostgresConnectionString = postgres },
                OnResult = result =>
                {
                    number++;
                    var verdict = result.Passed ? "[green]pass[/]" : "[red]VIOLATION[/]";
                    console.MarkupLine($"  {number,4} {verdict} {result.Elapsed.TotalSeconds,5:0.0} s  {Markup.Escape(result.Counts.ToString())}");
                    console.MarkupLineInterpolated($"         {result.Schedule}");
                    foreach (var violation in result.Violations.Take(20))
                    {
                        console.MarkupLineInterpolated($"         - {violation}");
                    }
                },
                OnMessage = line => console.MarkupLineInterpolated($"  [grey]{line}[/]"),
            },
            cancellationToken).ConfigureAwait(false);

        if (report.Passed)
        {
            console.MarkupLineInterpolated($"[green]No broken promise[/] in {report.Results.Count} histories.");
            return ExitPassed;
        }

        var smallest = report.Smallest!;
        console.MarkupLine("[red bold]Broken promises[/] (smallest failing history found):");
        console.MarkupLineInterpolated($"  history: {smallest.Schedule}");
        foreach (var violation in smallest.Violations)
        {
            console.MarkupLineInterpolated($"  - {violation}");
        }

        if (report.Seed is not null)
        {
            console.MarkupLineInterpolated($"  replay: rk check --library --seed {report.Seed}");
        }

        standardError.WriteLine($"rk check --library: {smallest.Violations.Count} promise(s) broken; replay with --library --seed {report.Seed}.");
        return ExitViolation;
    }
}
