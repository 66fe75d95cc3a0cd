using ReliableKafka.Cli.Common;
using ReliableKafka.Cli.Lint;
using ReliableKafka.Configuration;

namespace ReliableKafka.Cli.Advise;

/// <summary>The <c>rk advise --json</c> document (docs/schemas/advise.schema.json): an <see cref="AdviceDocument"/>.</summary>
internal static class AdviceJson
{
    public static string Write(ProducerAdvice advice)
    {
        var answers = advice.Answers;
        var producer = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in advice.Producer)
        {
            producer[KafkaProperties.Display(key)] = value;
        }

        return ReportJson.Serialize(new AdviceDocument(
            advice.Profile.ToString(),
            new AdviceAnswersDocument(AdviceOptions.Name(answers.LossImpact), answers.LatencyBudgetMs, answers.Brokers, answers.PeakRate, answers.ConsumersDeduplicate, answers.AtomicTopics),
            producer,
            new AdviceTopicDocument(advice.Topic.ReplicationFactor, advice.Topic.MinInSyncReplicas, advice.Topic.UncleanLeaderElection),
            advice.Reasons,
            advice.Warnings,
            [.. advice.Findings.Select(static f => new AdviceFindingDocument(f.RuleId, LintReportJson.SeverityName(f.Severity), f.Property, f.Message, f.Fix))],
            new AdviceFormatsDocument(ConfigRenderer.CSharp(advice), ConfigRenderer.Properties(advice), ConfigRenderer.AppSettings(advice))));
    }
}

/// <summary>The <c>rk advise --json</c> document.</summary>
/// <param name="Producer">The producer configuration by property name, in a stable order.</param>
internal sealed record AdviceDocument(
    string Profile,
    AdviceAnswersDocument Answers,
    IReadOnlyDictionary<string, string> Producer,
    AdviceTopicDocument Topic,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<AdviceFindingDocument> Findings,
    AdviceFormatsDocument Formats);

/// <summary>The answers the advice follows.</summary>
/// <param name="LossImpact">critical, minor or none.</param>
/// <param name="AtomicTopics">Whether several events on several topics must appear together (--atomic-topics; false when not given). Added after the first version.</param>
internal sealed record AdviceAnswersDocument(string LossImpact, int LatencyBudgetMs, int Brokers, int PeakRate, bool ConsumersDeduplicate, bool AtomicTopics = false);

/// <summary>The advised topic settings.</summary>
internal sealed record AdviceTopicDocument(int ReplicationFactor, int MinInsyncReplicas, bool UncleanLeaderElectionEnable);

/// <summary>A rule of the library that the advised configuration still breaks.</summary>
internal sealed record AdviceFindingDocument(string RuleId, string Severity, string Property, string Message, string Fix);

/// <summary>The advised configuration, ready to paste.</summary>
internal sealed record AdviceFormatsDocument(string Csharp, string Properties, string Appsettings);
