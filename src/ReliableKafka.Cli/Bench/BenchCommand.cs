using System.ComponentModel;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ReliableKafka.Cli.Common;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Bench;

/// <summary>
/// <c>rk bench</c>: throughput and p50/p99 latency of each reliability profile, side by side, against the embedded
/// simulator (with replication and response delays, so the acks levels differ as on a network) or a real cluster.
/// </summary>
internal sealed class BenchCommand(IAnsiConsole console, StandardError standardError) : AsyncCommand<BenchCommand.Settings>
{
    public const int ExitRan = 0;
    public const int ExitShapeBroken = 1;
    public const int ExitBadInput = 2;
    public const int ExitInterrupted = 130;

    public const string DefaultTopic = "rk-bench";
    public const int DefaultMessages = 20_000;
    public const int DefaultReplicationDelayMs = 10;
    public const int DefaultNetworkDelayMs = 3;
    public const int DefaultMaxInFlight = 10_000;
    public const int DefaultMessageBytes = 200;
    public const int DefaultTimeoutMs = 10_000;
    public const int WarmupMessages = 200;

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--bootstrap-servers <LIST>")]
        [Description("A real cluster to measure as it is (host:port[[,host:port...]]). Default: an embedded simulator with 3 brokers and the delays below.")]
        public string? BootstrapServers { get; init; }

        [CommandOption("--topic <TOPIC>")]
        [Description("The topic to write to; created (3 partitions, replication factor up to 3, min.insync.replicas up to 2) when missing.")]
        [DefaultValue(DefaultTopic)]
        public string Topic { get; init; } = DefaultTopic;

        [CommandOption("--profiles <LIST>")]
        [Description("The profiles to measure, comma-separated, in this order.")]
        [DefaultValue("Critical,Analytics,Metrics")]
        public string Profiles { get; init; } = "Critical,Analytics,Metrics";

        [CommandOption("--messages <COUNT>")]
        [Description("Messages per profile and round (1-10000000). Default 20000, unless --duration-s is given.")]
        public int? Messages { get; init; }

        [CommandOption("--duration-s <SECONDS>")]
        [Description("Publish for this long per profile and round instead of a count (1-3600).")]
        public int? DurationSeconds { get; init; }

        [CommandOption("--message-bytes <BYTES>")]
        [Description("Bytes of each message value (1-1000000), random so compression cannot shrink them. Default 200.")]
        public int? MessageBytes { get; init; }

        [CommandOption("--rate <MESSAGES_PER_SECOND>")]
        [Description("Offer messages at this fixed rate (1-10000000) to measure latency at a steady load. Default: as fast as the client takes them.")]
        public int? Rate { get; init; }

        [CommandOption("--rounds <COUNT>")]
        [Description("Run every profile this many times (1-20, alternating the order); the table shows medians. Default 1.")]
        public int? Rounds { get; init; }

        [CommandOption("--max-in-flight <COUNT>")]
        [Description("Messages published but without an outcome yet, at most (1-1000000); unpaced, a message waits behind these. Keep it above what fills a Metrics batch (131072 bytes per partition), or Metrics waits for linger.ms. Default 10000.")]
        public int? MaxInFlight { get; init; }

        [CommandOption("--replication-delay-ms <MS>")]
        [Description("Embedded simulator only: followers copy only batches at least this old (0-10000). Default 10.")]
        public int? ReplicationDelayMs { get; init; }

        [CommandOption("--network-delay-ms <MS>")]
        [Description("Embedded simulator only: every broker response waits this long (0-10000). Default 3.")]
        public int? NetworkDelayMs { get; init; }

        [CommandOption("--timeout-ms <MS>")]
        [Description("How long to wait for a real cluster to answer (100-600000). Default 10000.")]
        public int? TimeoutMs { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON document (see docs/cli.md) instead of the table.")]
        public bool Json { get; init; }

        [CommandOption("--html <FILE>")]
        [Description("Also write a self-contained HTML page with the table and charts of latency and throughput.")]
        public string? Html { get; init; }

        public override ValidationResult Validate() =>
            Read(out var error) is null ? ValidationResult.Error(error!) : ValidationResult.Success();

        /// <summary>The options as numbers and profiles, or null and the first problem, naming its flag.</summary>
        internal BenchInputs? Read(out string? error)
        {
            error = null;
            if (BootstrapServers is not null && string.IsNullOrWhiteSpace(BootstrapServers))
            {
                error = "--bootstrap-servers is empty; give host:port[,host:port...], or leave it out to measure the embedded simulator.";
                return null;
            }

            if (string.IsNullOrWhiteSpace(Topic))
            {
                error = "--topic is empty.";
                return null;
            }

            if (ParseProfiles(Profiles, out error) is not { } profiles)
            {
                return null;
            }

            if (Messages is not null && DurationSeconds is not null)
            {
                error = "Give --messages or --duration-s, not both.";
                return null;
            }

            if (BootstrapServers is not null && (ReplicationDelayMs is not null || NetworkDelayMs is not null))
            {
                error = $"{(ReplicationDelayMs is not null ? "--replication-delay-ms" : "--network-delay-ms")} applies to the embedded simulator only; a cluster given with --bootstrap-servers is measured as it is.";
                return null;
            }

            if (Html is not null)
            {
                var directory = string.IsNullOrWhiteSpace(Html) ? null : Path.GetDirectoryName(Path.GetFullPath(Html));
                if (directory is null || !Directory.Exists(directory))
                {
                    error = $"--html '{Html}': the directory does not exist.";
                    return null;
                }
            }

            var ok = Number("--messages", Messages, 1, 10_000_000, null, ref error, out var messages)
                & Number("--duration-s", DurationSeconds, 1, 3600, null, ref error, out var duration)
                & Number("--message-bytes", MessageBytes, 1, 1_000_000, DefaultMessageBytes, ref error, out var bytes)
                & Number("--rate", Rate, 1, 10_000_000, null, ref error, out var rate)
                & Number("--rounds", Rounds, 1, 20, 1, ref error, out var rounds)
                & Number("--max-in-flight", MaxInFlight, 1, 1_000_000, DefaultMaxInFlight, ref error, out var window)
                & Number("--replication-delay-ms", ReplicationDelayMs, 0, 10_000, DefaultReplicationDelayMs, ref error, out var replication)
                & Number("--network-delay-ms", NetworkDelayMs, 0, 10_000, DefaultNetworkDelayMs, ref error, out var network)
                & Number("--timeout-ms", TimeoutMs, 100, 600_000, DefaultTimeoutMs, ref error, out var timeout);
            if (!ok)
            {
                return null;
            }

            var workload = new BenchWorkload(
                duration is null ? messages ?? DefaultMessages : null, duration, bytes!.Value, rate, rounds!.Value, window!.Value, WarmupMessages);
            return new BenchInputs(profiles, workload, new SimulatedDelays(replication!.Value, network!.Value), TimeSpan.FromMilliseconds(timeout!.Value));
        }

        /// <summary>Checks that a number given is in [min, max]; the first problem found is kept in <paramref name="error"/>.</summary>
        private static bool Number(string flag, int? given, int min, int max, int? fallback, ref string? error, out int? value)
        {
            value = given ?? fallback;
            if (given is not { } number || (number >= min && number <= max))
            {
                return true;
            }

            error ??= string.Create(CultureInfo.InvariantCulture, $"{flag} must be between {min} and {max}, not {number}.");
            return false;
        }
    }

    /// <summary>The options of one run, read and checked.</summary>
    internal sealed record BenchInputs(IReadOnlyList<ReliabilityProfile> Profiles, BenchWorkload Workload, SimulatedDelays Delays, TimeSpan Timeout);

    /// <summary>The profiles of a comma-separated list, or null and why not.</summary>
    internal static IReadOnlyList<ReliabilityProfile>? ParseProfiles(string list, out string? error)
    {
        var profiles = new List<ReliabilityProfile>();
        foreach (var name in list.Split(',', StringSplitOptions.TrimEntries))
        {
            if (name.Length == 0 || char.IsAsciiDigit(name[0]) || !Enum.TryParse<ReliabilityProfile>(name, ignoreCase: true, out var profile) || !Enum.IsDefined(profile))
            {
                error = $"--profiles: '{name}' is not a profile; use Critical, Analytics and/or Metrics, comma-separated.";
                return null;
            }

            if (profiles.Contains(profile))
            {
                error = $"--profiles: {profile} is listed twice.";
                return null;
            }

            profiles.Add(profile);
        }

        error = null;
        return profiles;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var inputs = settings.Read(out _)!;
        var (profiles, workload) = (inputs.Profiles, inputs.Workload);

        BenchCluster cluster;
        if (settings.BootstrapServers is null)
        {
            cluster = BenchCluster.StartEmbedded(settings.Topic, inputs.Delays);
        }
        else
        {
            try
            {
                cluster = await BenchCluster.ConnectAsync(settings.BootstrapServers, settings.Topic, inputs.Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (CreateTopicsException e)
            {
                var reason = e.Results.FirstOrDefault(static r => r.Error.IsError)?.Error.Reason ?? e.Message;
                await standardError.WriteLineAsync($"rk bench: topic '{settings.Topic}' does not exist at {settings.BootstrapServers} and could not be created: {reason}. Create it, or give an existing one with --topic.").ConfigureAwait(false);
                return ExitBadInput;
            }
            catch (KafkaException e)
            {
                await standardError.WriteLineAsync($"rk bench: cannot reach the cluster at {settings.BootstrapServers} (--bootstrap-servers) within {inputs.Timeout.TotalMilliseconds:0} ms: {e.Error.Reason}. Check the address and that the brokers run (rk cluster starts a local one).").ConfigureAwait(false);
                return ExitBadInput;
            }
        }

        BenchReport report;
        await using (cluster.ConfigureAwait(false))
        {
            var target = cluster.Target;
            if (!settings.Json)
            {
                console.WriteLine(BenchNotes.Cluster(target));
                if (BenchNotes.Simulated(target) is { } simulated)
                {
                    console.WriteLine(simulated);
                }

                console.WriteLine(BenchNotes.Workload(workload, profiles.Count));
            }

            var rounds = profiles.ToDictionary(static p => p, static _ => new List<ProfileRound>());
            try
            {
                for (var round = 0; round < workload.Rounds; round++)
                {
                    var order = round % 2 == 0 ? profiles : profiles.Reverse().ToList();
                    foreach (var profile in order)
                    {
                        if (!settings.Json)
                        {
                            await standardError.WriteLineAsync($"rk bench: {profile}, round {round + 1} of {workload.Rounds}...").ConfigureAwait(false);
                        }

                        rounds[profile].Add(await ProfileRunner.RunAsync(target.BootstrapServers, target.Topic, profile, workload, cancellationToken).ConfigureAwait(false));
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await standardError.WriteLineAsync("rk bench: interrupted before every profile ran; nothing is reported.").ConfigureAwait(false);
                return ExitInterrupted;
            }

            var results = profiles.Select(p => new ProfileResult(p, rounds[p])).ToList();
            report = new BenchReport(target, workload, results, ShapeVerdict.Judge(results, enforced: target.Embedded && workload.Rate is null));
        }

        if (settings.Json)
        {
            console.WriteRaw(BenchJson.Write(report));
            if (report.Shape.Fails)
            {
                await standardError.WriteLineAsync("rk bench: " + BenchNotes.Shape(report.Shape, report.Target)).ConfigureAwait(false);
            }
        }
        else
        {
            Render(report);
        }

        if (settings.Html is { } html)
        {
            try
            {
                await File.WriteAllTextAsync(html, BenchHtml.Write(report), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await standardError.WriteLineAsync($"rk bench: cannot write --html '{html}': {e.Message}").ConfigureAwait(false);
                return ExitBadInput;
            }

            if (!settings.Json)
            {
                console.WriteLine($"Wrote {html}.");
            }
        }

        return report.ExitCode;
    }

    private void Render(BenchReport report)
    {
        var table = new Table();
        for (var c = 0; c < BenchTable.Headers.Count; c++)
        {
            var column = new TableColumn(BenchTable.Headers[c]);
            table.AddColumn(c < BenchTable.TextColumns ? column : column.RightAligned());
        }

        foreach (var row in BenchTable.Rows(report))
        {
            table.AddRow(row.Select(static cell => new Text(cell)).ToArray());
        }

        console.Write(table);
        foreach (var note in BenchNotes.Latency(report.Workload))
        {
            console.WriteLine(note);
        }

        foreach (var failed in report.Results.Where(static r => r.FirstFailure is not null))
        {
            console.MarkupLineInterpolated($"[yellow]{failed.Profile}: {failed.Failures} message(s) failed; the first: {failed.FirstFailure}[/]");
        }

        var shape = BenchNotes.Shape(report.Shape, report.Target);
        var color = report.Shape.Fails ? "bold red" : report.Shape.Holds ? "green" : "yellow";
        console.MarkupLineInterpolated($"[{color}]{shape}[/]");
    }
}
