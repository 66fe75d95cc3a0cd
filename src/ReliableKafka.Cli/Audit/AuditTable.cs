using System.Globalization;
using ReliableKafka.Audit;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReliableKafka.Cli.Audit;

/// <summary>The terminal form of an audit report: the results table, the details of every run that has any, and a legend.</summary>
internal static class AuditTable
{
    /// <summary>How many explanations of one run the terminal shows; the JSON and HTML reports have them all.</summary>
    public const int ExplanationsShown = 3;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Write(IAnsiConsole console, AuditReport report, int exitCode)
    {
        var critical = report.Configurations.Where(static c => c.IsCritical).Select(static c => c.Id).ToHashSet(StringComparer.Ordinal);
        var target = report.Target == "simulator" ? "the simulated cluster" : $"the cluster at {report.BootstrapServers}";
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title($"rk audit on {Markup.Escape(target)}: {report.Results.Count} runs in {Seconds(report.DurationMs)}")
            .AddColumn("Scenario")
            .AddColumn("Configuration")
            .AddColumn("Verdict");
        foreach (var numeric in new[] { "Sent", "Acked", "Failed", "Lost", "Duplicated", "Reordered", "p50 ms", "p99 ms", "msgs/s" })
        {
            table.AddColumn(new TableColumn(numeric).RightAligned());
        }

        foreach (var r in report.Results)
        {
            var cells = new List<IRenderable>
            {
                new Text(r.Scenario),
                new Text(critical.Contains(r.Configuration) ? r.Configuration + " *" : r.Configuration),
                new Markup(VerdictMarkup(r)),
            };
            if (r.Counts is { } c)
            {
                cells.Add(new Text(Count(c.Sent)));
                cells.Add(new Text(Count(c.Acknowledged)));
                cells.Add(new Text(Count(c.Failed)));
                cells.Add(new Markup(Anomaly(c.Lost, r.Expected?.Loss)));
                cells.Add(new Markup(Anomaly(c.Duplicated, r.Expected?.Duplication)));
                cells.Add(new Markup(Anomaly(c.Reordered, r.Expected?.Reordering)));
                cells.Add(new Text(Ms(r.Latency?.P50Ms)));
                cells.Add(new Text(Ms(r.Latency?.P99Ms)));
                cells.Add(new Text(r.ThroughputPerSecond.ToString("0", Invariant)));
            }
            else
            {
                cells.AddRange(Enumerable.Range(0, 9).Select(static _ => new Text("-")));
            }

            table.AddRow(cells);
        }

        console.Write(table);
        console.MarkupLine("* marked Critical (acks=all with idempotence, passes the Critical rules). Lost, duplicated, reordered in [bold red]red[/]: Kafka promises it won't happen there; in [yellow]yellow[/]: allowed there.");
        WriteDetails(console, report);
        WriteLegend(console);
        WriteSummary(console, report, exitCode);
    }

    public static string VerdictMarkup(AuditRunResult r) => r.Verdict switch
    {
        Verdict.Pass => "[green]pass[/]",
        Verdict.Expected => "[yellow]expected[/]",
        Verdict.Unexpected when r.CriticalViolation => "[bold white on red]UNEXPECTED (critical)[/]",
        Verdict.Unexpected => "[bold red]UNEXPECTED[/]",
        Verdict.Skipped => "[grey]skipped[/]",
        _ => "[bold red]ERROR[/]",
    };

    /// <summary>One line for a finished run, as the progress shows it.</summary>
    public static string RunLine(AuditProgress progress)
    {
        var r = progress.Result!;
        var what = r.Counts is { } c
            ? string.Create(Invariant, $"sent {c.Sent}, acked {c.Acknowledged}, failed {c.Failed}, lost {c.Lost}, duplicated {c.Duplicated}, reordered {c.Reordered}")
            : r.SkipReason ?? r.Error ?? "";
        return string.Create(Invariant, $"[[{progress.Index}/{progress.Total}]] {Markup.Escape(r.Scenario)} x {Markup.Escape(r.Configuration)}: {VerdictMarkup(r)} {Markup.Escape(what)} ({Seconds(r.DurationMs)})");
    }

    private static void WriteDetails(IAnsiConsole console, AuditReport report)
    {
        var detailed = report.Results.Where(static r => r.Verdict != Verdict.Pass || r.Reasons.Count > 0 || r.Explanations.Count > 0).ToList();
        if (detailed.Count == 0)
        {
            return;
        }

        console.WriteLine();
        console.MarkupLine("[bold]Details[/] (every reason; the first explanations of each run; the JSON and HTML reports have them all)");
        foreach (var r in detailed)
        {
            console.MarkupLine($"  [bold]{Markup.Escape(r.Scenario)} x {Markup.Escape(r.Configuration)}[/]: {VerdictMarkup(r)}");
            if (r.Error is { } error)
            {
                console.MarkupLine($"    [red]error: {Markup.Escape(error)}[/]");
            }

            foreach (var reason in r.Reasons)
            {
                console.MarkupLine(reason.StartsWith("UNEXPECTED", StringComparison.Ordinal)
                    ? $"    [bold red]{Markup.Escape(reason)}[/]"
                    : reason.StartsWith("skipped", StringComparison.Ordinal) ? $"    [grey]{Markup.Escape(reason)}[/]" : $"    {Markup.Escape(reason)}");
            }

            foreach (var explanation in r.Explanations.Take(ExplanationsShown))
            {
                console.MarkupLine($"    [grey]{Markup.Escape(explanation.Kind)}:[/] {Markup.Escape(explanation.Text)}");
            }

            if (r.Explanations.Count > ExplanationsShown)
            {
                var more = r.Explanations.Count - ExplanationsShown;
                console.MarkupLine(string.Create(Invariant, $"    [grey]... {more} more explanation{(more == 1 ? "" : "s")} in the JSON and HTML reports[/]"));
            }

            if (!r.GroundTruth && r.Counts is { } c && c.Lost + c.Duplicated + c.Reordered > 0)
            {
                console.MarkupLine("    [grey]no explanations: a real cluster keeps no ground truth; the JSON report lists the records[/]");
            }
        }
    }

    private static void WriteLegend(IAnsiConsole console)
    {
        console.WriteLine();
        console.MarkupLine("Verdicts:");
        console.MarkupLine("  [green]pass[/]        nothing lost, duplicated or reordered, as Kafka promises");
        console.MarkupLine("  [yellow]expected[/]    loss, duplication or reordering that Kafka allows for this configuration in this scenario");
        console.MarkupLine("  [bold red]UNEXPECTED[/]  the run disagrees with Kafka's semantics: a forbidden anomaly (with a configuration marked Critical: a critical violation, exit 1), or a predicted one that did not happen");
        console.MarkupLine("  [grey]skipped[/]     the cluster cannot apply this scenario's faults (the reason is in Details)");
        console.MarkupLine("  [bold red]ERROR[/]       the run could not be carried out (the error is in Details)");
    }

    private static void WriteSummary(IAnsiConsole console, AuditReport report, int exitCode)
    {
        var s = report.Summary;
        console.MarkupLine(string.Create(Invariant, $"{s.Runs} runs: {s.Pass} pass, {s.Expected} expected, {s.Unexpected} unexpected, {s.Skipped} skipped, {s.Error} error."));
        if (report.CriticalViolation)
        {
            var runs = report.Results.Where(static r => r.CriticalViolation).Select(static r => $"{r.Scenario} x {r.Configuration}");
            console.MarkupLine($"[bold white on red]CRITICAL VIOLATION[/] [bold red]a configuration marked Critical lost, duplicated or reordered records where Kafka promises it won't: {Markup.Escape(string.Join(", ", runs))}. Exit code {exitCode}.[/]");
        }
        else if (s.Unexpected + s.Error > 0)
        {
            console.MarkupLine($"[bold red]Critical configurations kept Kafka's promises, but {s.Unexpected} run(s) disagree with the expectations and {s.Error} could not be carried out (see Details). Exit code {exitCode}.[/]");
        }
        else
        {
            console.MarkupLine("[green]Every run is as Kafka promises; configurations marked Critical lost, duplicated and reordered nothing where Kafka promises they won't.[/]");
        }
    }

    private static string Anomaly(long count, Expectation? expectation) => count == 0
        ? "0"
        : expectation == Expectation.Forbidden
            ? string.Create(Invariant, $"[bold red]{count}[/]")
            : string.Create(Invariant, $"[yellow]{count}[/]");

    private static string Count(long value) => value.ToString(Invariant);

    private static string Ms(double? value) => value is { } v ? v.ToString("0.0", Invariant) : "-";

    private static string Seconds(double ms) => (ms / 1000).ToString("0.0", Invariant) + " s";
}
