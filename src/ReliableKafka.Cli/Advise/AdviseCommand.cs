using System.ComponentModel;
using ReliableKafka.Cli.Common;
using ReliableKafka.Cli.Lint;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Advise;

/// <summary><c>rk advise</c>: recommends a profile, a producer configuration and topic settings, with reasons.</summary>
internal sealed class AdviseCommand(IAnsiConsole console, StandardError standardError) : Command<AdviseCommand.Settings>
{
    public const int ExitAdvised = 0;
    public const int ExitBadInput = 2;

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--loss-impact <IMPACT>")]
        [Description("What breaks if one message is lost: critical (an order, a payment, a task: Critical profile), minor (a statistic is off: Analytics), none (a sample the next one replaces: Metrics).")]
        public string? LossImpact { get; init; }

        [CommandOption("--latency-ms <MS>")]
        [Description("How long a publish may typically take, call to acknowledgement, in ms. linger.ms is at most a tenth of it.")]
        public int? LatencyMs { get; init; }

        [CommandOption("--brokers <COUNT>")]
        [Description("Brokers in the cluster. The replication factor is at most this; Critical warns below 3.")]
        public int? Brokers { get; init; }

        [CommandOption("--peak-rate <MESSAGES_PER_SECOND>")]
        [Description("The producer's peak rate. From 10000/s batch.size is 65536, from 50000/s 131072.")]
        public int? PeakRate { get; init; }

        [CommandOption("--consumers-deduplicate <YES_NO>")]
        [Description("yes or no: whether consumers drop an event id they have already processed. Critical warns on no.")]
        public string? ConsumersDeduplicate { get; init; }

        [CommandOption("--atomic-topics <YES_NO>")]
        [Description("yes or no (default no): whether several events, on several topics, must appear together or not at all (a task.created and its audit-log entry). yes advises Kafka transactions.")]
        public string? AtomicTopics { get; init; }

        [CommandOption("--bootstrap-servers <LIST>")]
        [Description("Brokers to write into the configuration. Default: placeholders kafka-1:9092,... (never asked).")]
        public string? BootstrapServers { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON document (see docs/cli.md). Never prompts: every question needs its flag.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new AdviceOptions(
            settings.LossImpact, settings.LatencyMs, settings.Brokers, settings.PeakRate, settings.ConsumersDeduplicate, settings.BootstrapServers, settings.AtomicTopics);
        var invalid = options.Invalid();
        if (invalid.Count > 0)
        {
            return Fail(string.Join(" ", invalid));
        }

        var missing = options.Missing();
        if (missing.Count > 0)
        {
            var interactive = !settings.Json && console.Profile.Capabilities.Interactive;
            if (!interactive)
            {
                var why = settings.Json ? "--json never prompts" : "input is not interactive";
                return Fail($"{why}, so every question needs its flag; missing: {string.Join(", ", missing)}.");
            }

            options = options.Ask(console);
        }

        var advice = Advisor.Advise(options.ToAnswers());
        if (settings.Json)
        {
            console.WriteRaw(AdviceJson.Write(advice));
        }
        else
        {
            Render(advice);
        }

        return ExitAdvised;
    }

    private int Fail(string message)
    {
        standardError.WriteLine($"rk advise: {message}");
        return ExitBadInput;
    }

    private void Render(ProducerAdvice advice)
    {
        console.MarkupLineInterpolated($"[bold]Profile: {advice.Profile}[/]");
        console.WriteLine();

        var topic = new Table().Border(TableBorder.Rounded).Title("Topic settings");
        topic.AddColumn("Setting");
        topic.AddColumn("Value");
        topic.AddRow("replication.factor", advice.Topic.ReplicationFactor.ToString(System.Globalization.CultureInfo.InvariantCulture));
        topic.AddRow("min.insync.replicas", advice.Topic.MinInSyncReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture));
        topic.AddRow("unclean.leader.election.enable", advice.Topic.UncleanLeaderElection ? "true" : "false");
        console.Write(topic);

        Code("Producer configuration: C# (Confluent.Kafka)", ConfigRenderer.CSharp(advice));
        Code("Producer configuration: producer.properties", ConfigRenderer.Properties(advice));
        Code("Producer configuration: appsettings.json (ReliableKafka's Kafka section)", ConfigRenderer.AppSettings(advice));

        console.WriteLine();
        console.MarkupLine("[bold]Why[/]");
        foreach (var reason in advice.Reasons)
        {
            console.MarkupLineInterpolated($"- {reason}");
        }

        foreach (var warning in advice.Warnings)
        {
            console.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        }

        foreach (var finding in advice.Findings)
        {
            console.MarkupLineInterpolated($"[red]{finding.RuleId} {LintReportJson.SeverityName(finding.Severity)}:[/] {finding.Message} Fix: {finding.Fix}");
        }
    }

    private void Code(string title, string code)
    {
        console.WriteLine();
        console.MarkupLineInterpolated($"[bold]{title}[/]");
        console.Write(new Text(code));
    }
}
