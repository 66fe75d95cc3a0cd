using System.ComponentModel;
using ReliableKafka.Audit.Checking;
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

        public override ValidationResult Validate() =>
            Seconds is < 1 or > 86_400 ? ValidationResult.Error($"--seconds must be between 1 and 86400, not {Seconds}.") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
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
                    console.MarkupLine($"  {number,4} {verdict} {result.Elapsed.TotalSeconds,5:0.0} s  acked {result.Acknowledged,5}  read {result.Consumed,5}  elections {result.Elections,2} (unclean {result.UncleanElections})  truncations {result.Truncations,2}  {Markup.Escape(result.Schedule.ToString())}");
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
}
