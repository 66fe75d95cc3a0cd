using System.ComponentModel;
using System.Globalization;
using Confluent.Kafka;
using ReliableKafka.Audit;
using ReliableKafka.Cli.Common;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Audit;

/// <summary>
/// <c>rk audit</c>: measures what each producer configuration loses, duplicates or reorders under faults, on the
/// simulated cluster or on a real one through a fault command, and reports it as a table, JSON and HTML.
/// </summary>
internal sealed class AuditCommand(IAnsiConsole stdout, StandardError standardError) : AsyncCommand<AuditCommand.Settings>
{
    /// <summary>Every run is as Kafka promises (pass, expected or skipped).</summary>
    public const int ExitClean = 0;

    /// <summary>A configuration marked Critical lost, duplicated or reordered where Kafka promises it won't.</summary>
    public const int ExitCriticalViolation = 1;

    /// <summary>Bad usage, an unreadable or invalid configuration, an unreachable cluster, or a report that cannot be written.</summary>
    public const int ExitBadUsage = 2;

    /// <summary>No critical violation, but a run disagrees with the expectations (unexpected) or could not be carried out (error).</summary>
    public const int ExitDisagreement = 3;

    private static readonly TimeSpan ClusterProbeTimeout = TimeSpan.FromSeconds(10);

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--quick")]
        [Description("The reduced matrix: lost-acks and leader-crash with acks0, acks1, acks-all and critical (about 30 s). --scenario and --config replace its scenarios or configurations.")]
        public bool Quick { get; init; }

        [CommandOption("--scenario <ID>")]
        [Description("A scenario to run; repeat the flag or give a comma-separated list. Default: all nine (or the quick two). Ids: lost-acks, leader-crash, clean-shutdown, rolling-restart, isr-below-min, cluster-outage, network-cut, unclean-election, oversized.")]
        public string[] Scenarios { get; init; } = [];

        [CommandOption("--config <ID|FILE>")]
        [Description("A configuration to audit: acks0, acks1, acks-all, critical, at-least-once, or a producer configuration file (.json or .properties; its id is the file's name), checked with the rules RK001-RK012 first. Repeat the flag or give a comma-separated list.")]
        public string[] Configs { get; init; } = [];

        [CommandOption("--json <FILE>")]
        [Description("Write the JSON report (schema in docs/audit.md) to FILE; --json=- writes it to stdout and the table to stderr.")]
        public string? Json { get; init; }

        [CommandOption("--html <FILE>")]
        [Description("Write a self-contained HTML page (tables and charts) to FILE.")]
        public string? Html { get; init; }

        [CommandOption("--bootstrap-servers <LIST>")]
        [Description("Audit a real cluster (3 brokers or more) instead of the simulator. Needs --fault-command.")]
        public string? BootstrapServers { get; init; }

        [CommandOption("--fault-command <TEMPLATE>")]
        [Description("With --bootstrap-servers: the command that stops and starts a broker, run with sh -c, with {action} (stop or start) and {broker} (the broker id), for example \"./kafka-fault.sh {action} {broker}\".")]
        public string? FaultCommand { get; init; }

        [CommandOption("--short-timeouts")]
        [Description("With --bootstrap-servers: shorten the producer's timeouts as on the simulator (delivery timeout divided by 24, kept within 1.5-6 s), for a test cluster.")]
        public bool ShortTimeouts { get; init; }

        [CommandOption("--messages-per-second <N>")]
        [Description("The workload's rate. Default 500.")]
        [DefaultValue(500)]
        public int MessagesPerSecond { get; init; } = 500;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var jsonToStdout = settings.Json == "-";
        var console = jsonToStdout ? standardError.Console : stdout;
        var (options, error) = Options(settings);
        if (error is null && options!.BootstrapServers is { } bootstrap)
        {
            error = await ProbeClusterAsync(bootstrap).ConfigureAwait(false);
        }

        AuditRunner? runner = null;
        if (error is null)
        {
            try
            {
                runner = new AuditRunner(options!);
            }
            catch (ArgumentException e)
            {
                error = e.Message;
            }
        }

        if (error is not null)
        {
            await standardError.WriteLineAsync($"rk audit: {error}").ConfigureAwait(false);
            return ExitBadUsage;
        }

        foreach (var configuration in runner!.Configurations.Where(static c => c.Source != "built-in"))
        {
            console.MarkupLineInterpolated($"[bold]{configuration.Id}[/] ({configuration.Source}): marked Critical: {(configuration.IsCritical ? "yes" : "no")}");
            foreach (var finding in configuration.Findings)
            {
                console.MarkupLineInterpolated($"  [yellow]{finding.ToString()}[/]");
            }
        }

        AuditReport report;
        try
        {
            report = await RunAsync(console, runner, Interactive(console, jsonToStdout, standardError), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await standardError.WriteLineAsync("rk audit: cancelled; no report written.").ConfigureAwait(false);
            return 130;
        }

        var exitCode = ExitCodeFor(report);
        AuditTable.Write(console, report, exitCode);
        return WriteFiles(console, settings, report) ?? exitCode;
    }

    /// <summary>1 for a critical violation, else 3 when a run is unexpected or failed, else 0.</summary>
    internal static int ExitCodeFor(AuditReport report) =>
        report.CriticalViolation ? ExitCriticalViolation
        : report.Results.Any(static r => r.Verdict is Verdict.Unexpected or Verdict.Error) ? ExitDisagreement
        : ExitClean;

    private static (AuditOptions? Options, string? Error) Options(Settings settings)
    {
        var (scenarios, scenarioError) = AuditSelection.Scenarios(settings.Scenarios);
        if (scenarioError is not null)
        {
            return (null, scenarioError);
        }

        var (configurations, configError) = AuditSelection.Configurations(settings.Configs);
        if (configError is not null)
        {
            return (null, configError);
        }

        var cluster = !string.IsNullOrWhiteSpace(settings.BootstrapServers);
        string? problem = null;
        if (cluster && string.IsNullOrWhiteSpace(settings.FaultCommand))
        {
            problem = "--bootstrap-servers needs --fault-command \"TEMPLATE\" with {action} and {broker}, for example --fault-command \"./kafka-fault.sh {action} {broker}\" (see docs/audit.md).";
        }
        else if (!cluster && settings.FaultCommand is not null)
        {
            problem = "--fault-command applies to a real cluster: give --bootstrap-servers too (without it the audit runs on the simulator).";
        }
        else if (!cluster && settings.ShortTimeouts)
        {
            problem = "--short-timeouts applies to a real cluster (--bootstrap-servers); the simulator always shortens them.";
        }
        else if (settings.FaultCommand is { } command && (!command.Contains("{action}", StringComparison.Ordinal) || !command.Contains("{broker}", StringComparison.Ordinal)))
        {
            problem = $"--fault-command must contain {{action}} and {{broker}}, for example \"./kafka-fault.sh {{action}} {{broker}}\"; got \"{command}\".";
        }
        else if (settings.MessagesPerSecond is < 1 or > 100_000)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"--messages-per-second must be between 1 and 100000, not {settings.MessagesPerSecond}.");
        }
        else
        {
            problem = OutputProblem("--json", settings.Json) ?? OutputProblem("--html", settings.Html);
        }

        if (problem is not null)
        {
            return (null, problem);
        }

        return (new AuditOptions
        {
            Quick = settings.Quick,
            Scenarios = scenarios,
            Configurations = configurations,
            BootstrapServers = cluster ? settings.BootstrapServers : null,
            FaultCommand = cluster ? settings.FaultCommand : null,
            ShortTimeouts = cluster && settings.ShortTimeouts ? true : null,
            MessagesPerSecond = settings.MessagesPerSecond,
        }, null);
    }

    /// <summary>Refuses, before a run of minutes, a report file that could not be written.</summary>
    private static string? OutputProblem(string flag, string? path)
    {
        if (path is null || (flag == "--json" && path == "-"))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(path) || Directory.Exists(path))
        {
            return $"{flag} needs a file name, not '{path}'.";
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        return directory is not null && !Directory.Exists(directory) ? $"{flag} {path}: the directory {directory} does not exist." : null;
    }

    /// <summary>Null when the cluster answers with at least three brokers; otherwise what is wrong.</summary>
    private static async Task<string?> ProbeClusterAsync(string bootstrapServers) => await Task.Run(() =>
    {
        try
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers, SocketTimeoutMs = (int)ClusterProbeTimeout.TotalMilliseconds })
                .SetLogHandler(static (_, _) => { })
                .Build();
            var brokers = admin.GetMetadata(ClusterProbeTimeout).Brokers.Count;
            return brokers >= 3
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"the cluster at {bootstrapServers} has {brokers} live broker(s); the audit's topics have replication factor 3, so it needs at least 3.");
        }
        catch (KafkaException e)
        {
            return $"cannot read the cluster at {bootstrapServers} within {ClusterProbeTimeout.TotalSeconds:0} s: {e.Error.Reason}. Check --bootstrap-servers and that the brokers run.";
        }
        catch (ArgumentException e)
        {
            return $"--bootstrap-servers '{bootstrapServers}': {e.Message}";
        }
    }).ConfigureAwait(false);

    private static async Task<AuditReport> RunAsync(IAnsiConsole console, AuditRunner runner, bool interactive, CancellationToken cancellationToken)
    {
        var total = runner.Scenarios.Count * runner.Configurations.Count;
        var target = runner.Configurations.Count == 0 ? "" : $"{runner.Scenarios.Count} scenario(s) x {runner.Configurations.Count} configuration(s)";
        var gate = new Lock();
        if (!interactive)
        {
            console.MarkupLineInterpolated($"rk audit {runner.RunId}: {target}, {total} runs.");
            return await runner.RunAsync(new Callback(p =>
            {
                if (p.Kind == AuditProgressKind.RunFinished)
                {
                    lock (gate)
                    {
                        console.MarkupLine(AuditTable.RunLine(p));
                    }
                }
            }), cancellationToken).ConfigureAwait(false);
        }

        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape($"{target}: starting"), maxValue: total);
                var report = await runner.RunAsync(new Callback(p =>
                {
                    lock (gate)
                    {
                        switch (p.Kind)
                        {
                            case AuditProgressKind.RunStarted:
                                task.Description = Markup.Escape($"[{p.Index}/{p.Total}] {p.Scenario} x {p.Configuration}: producing");
                                break;
                            case AuditProgressKind.Step:
                                task.Description = Markup.Escape($"[{p.Index}/{p.Total}] {p.Scenario} x {p.Configuration}: {Shorten(p.Message ?? "")}");
                                break;
                            default:
                                task.Increment(1);
                                console.MarkupLine(AuditTable.RunLine(p));
                                break;
                        }
                    }
                }), cancellationToken).ConfigureAwait(false);
                task.StopTask();
                return report;
            }).ConfigureAwait(false);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static bool Interactive(IAnsiConsole console, bool jsonToStdout, StandardError standardError) =>
        console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi && !(jsonToStdout && standardError.Redirected);

    /// <summary>Writes the report files; null when written, else the exit code (the table is already printed, so nothing is lost from view).</summary>
    private int? WriteFiles(IAnsiConsole console, Settings settings, AuditReport report)
    {
        try
        {
            if (settings.Json == "-")
            {
                stdout.WriteRaw(AuditJson.Serialize(report));
            }
            else if (settings.Json is { } json)
            {
                File.WriteAllText(json, AuditJson.Serialize(report) + "\n");
                console.MarkupLineInterpolated($"JSON report: {json}");
            }

            if (settings.Html is { } html)
            {
                File.WriteAllText(html, AuditHtml.Render(report));
                console.MarkupLineInterpolated($"HTML report: {html}");
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            standardError.WriteLine($"rk audit: cannot write the report: {e.Message}");
            return ExitBadUsage;
        }
    }

    /// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (Progress&lt;T&gt; would post to a context).</summary>
    private sealed class Callback(Action<AuditProgress> report) : IProgress<AuditProgress>
    {
        public void Report(AuditProgress value) => report(value);
    }
}
