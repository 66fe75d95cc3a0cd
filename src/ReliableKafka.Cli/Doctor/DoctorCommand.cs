using System.ComponentModel;
using System.Text.Json;
using Confluent.Kafka;
using ReliableKafka.Cli.Common;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Doctor;

/// <summary><c>rk doctor</c>: reads a cluster and explains what a producer with a profile will see, and what to do.</summary>
internal sealed class DoctorCommand(IAnsiConsole console, StandardError standardError) : AsyncCommand<DoctorCommand.Settings>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--bootstrap-servers <LIST>")]
        [Description("The cluster, as host:port[[,host:port...]]. Required.")]
        public string? BootstrapServers { get; init; }

        [CommandOption("--topic <TOPIC>")]
        [Description("A topic to examine. Repeatable. Default: every topic that does not start with __.")]
        public string[] Topics { get; init; } = [];

        [CommandOption("--profile <PROFILE>")]
        [Description("The producer profile to judge by: Critical (default), Analytics or Metrics.")]
        [DefaultValue("Critical")]
        public string Profile { get; init; } = "Critical";

        [CommandOption("--timeout-ms <MS>")]
        [Description("How long to wait for the cluster. Default 10000.")]
        [DefaultValue(10000)]
        public int TimeoutMs { get; init; } = 10000;

        [CommandOption("--json")]
        [Description("Print the findings as JSON (for scripts).")]
        public bool Json { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(BootstrapServers))
            {
                return ValidationResult.Error("--bootstrap-servers is required, for example --bootstrap-servers 127.0.0.1:19092.");
            }

            if (!Enum.TryParse<ReliabilityProfile>(Profile, ignoreCase: true, out _) || char.IsAsciiDigit(Profile[0]))
            {
                return ValidationResult.Error($"--profile '{Profile}' is unknown; use Critical, Analytics or Metrics.");
            }

            return TimeoutMs is < 100 or > 600_000
                ? ValidationResult.Error($"--timeout-ms must be between 100 and 600000, not {TimeoutMs}.")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var profile = Enum.Parse<ReliabilityProfile>(settings.Profile, ignoreCase: true);
        ClusterView cluster;
        try
        {
            cluster = await ClusterReader.ReadAsync(settings.BootstrapServers!, settings.Topics, TimeSpan.FromMilliseconds(settings.TimeoutMs)).ConfigureAwait(false);
        }
        catch (KafkaException e)
        {
            await standardError.WriteLineAsync($"rk doctor: cannot read the cluster at {settings.BootstrapServers} within {settings.TimeoutMs} ms: {e.Error.Reason}. Check the address and that the brokers run (rk cluster starts a local one).").ConfigureAwait(false);
            return 2;
        }

        var findings = Diagnosis.Examine(cluster, profile);
        var errors = findings.Count(static f => f.Severity == DoctorSeverity.Error);
        if (settings.Json)
        {
            console.WriteRaw(JsonSerializer.Serialize(new
            {
                bootstrapServers = settings.BootstrapServers,
                profile = profile.ToString(),
                brokers = cluster.Brokers,
                topics = cluster.Topics.Select(static t => new
                {
                    name = t.Name,
                    replicationFactor = t.ReplicationFactor,
                    minInsyncReplicas = t.MinInSyncReplicas,
                    uncleanLeaderElection = t.UncleanLeaderElection,
                    partitions = t.Partitions.Select(static p => new { partition = p.Partition, leader = p.Leader, replicas = p.Replicas, isr = p.Isr }),
                }),
                missingTopics = cluster.MissingTopics,
                findings = findings.Select(static f => new { id = f.Id, severity = f.Severity, subject = f.Subject, message = f.Message, fix = f.Fix }),
                healthy = errors == 0,
            }, Json));
            return errors == 0 ? 0 : 1;
        }

        console.MarkupLineInterpolated($"[bold]Cluster[/] {settings.BootstrapServers}: {cluster.Brokers.Count} live broker(s) {{{string.Join(",", cluster.Brokers)}}}; judged for the {profile} profile (acks={ReliabilityProfiles.GetDefaults(profile)["acks"]}).");
        foreach (var topic in cluster.Topics)
        {
            console.MarkupLineInterpolated($"  {topic.Name}: {topic.Partitions.Count} partition(s), replication factor {topic.ReplicationFactor}, min.insync.replicas {topic.MinInSyncReplicas?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}, unclean election {(topic.UncleanLeaderElection is { } u ? (u ? "on" : "off") : "?")}");
        }

        if (findings.Count == 0)
        {
            console.MarkupLine("[green]No problems found.[/]");
            return 0;
        }

        var table = new Table().AddColumns("Id", "Severity", "Where", "What a producer sees", "What to do");
        foreach (var finding in findings)
        {
            var color = finding.Severity switch { DoctorSeverity.Error => "red", DoctorSeverity.Warning => "yellow", _ => "grey" };
            table.AddRow(new Text(finding.Id), new Markup($"[{color}]{finding.Severity.ToString().ToLowerInvariant()}[/]"), new Text(finding.Subject), new Text(finding.Message), new Text(finding.Fix));
        }

        console.Write(table);
        console.MarkupLineInterpolated($"{errors} error(s), {findings.Count(static f => f.Severity == DoctorSeverity.Warning)} warning(s).");
        return errors == 0 ? 0 : 1;
    }
}
