using System.Text.Json;
using ReliableKafka.Cli.Common;
using ReliableKafka.Cli.Lint;
using ReliableKafka.Configuration;

namespace ReliableKafka.Cli.Advise;

/// <summary>
/// The <c>rk advise --json</c> document. Property names are stable (see docs/cli.md):
/// <c>{"profile","answers":{...},"producer":{name:value},"topic":{"replicationFactor","minInsyncReplicas","uncleanLeaderElectionEnable"},
/// "reasons":[...],"warnings":[...],"findings":[...],"formats":{"csharp","properties","appsettings"}}</c>.
/// </summary>
internal static class AdviceJson
{
    public static string Write(ProducerAdvice advice) => JsonText.Object(writer =>
    {
        writer.WriteString("profile", advice.Profile.ToString());

        writer.WriteStartObject("answers");
        writer.WriteString("lossImpact", AdviceOptions.Name(advice.Answers.LossImpact));
        writer.WriteNumber("latencyBudgetMs", advice.Answers.LatencyBudgetMs);
        writer.WriteNumber("brokers", advice.Answers.Brokers);
        writer.WriteNumber("peakRate", advice.Answers.PeakRate);
        writer.WriteBoolean("consumersDeduplicate", advice.Answers.ConsumersDeduplicate);
        writer.WriteEndObject();

        writer.WriteStartObject("producer");
        foreach (var (key, value) in advice.Producer)
        {
            writer.WriteString(KafkaProperties.Display(key), value);
        }

        writer.WriteEndObject();

        writer.WriteStartObject("topic");
        writer.WriteNumber("replicationFactor", advice.Topic.ReplicationFactor);
        writer.WriteNumber("minInsyncReplicas", advice.Topic.MinInSyncReplicas);
        writer.WriteBoolean("uncleanLeaderElectionEnable", advice.Topic.UncleanLeaderElection);
        writer.WriteEndObject();

        Strings(writer, "reasons", advice.Reasons);
        Strings(writer, "warnings", advice.Warnings);

        writer.WriteStartArray("findings");
        foreach (var finding in advice.Findings)
        {
            LintReportJson.WriteFinding(writer, finding, profile: null, withProfile: false);
        }

        writer.WriteEndArray();

        writer.WriteStartObject("formats");
        writer.WriteString("csharp", ConfigRenderer.CSharp(advice));
        writer.WriteString("properties", ConfigRenderer.Properties(advice));
        writer.WriteString("appsettings", ConfigRenderer.AppSettings(advice));
        writer.WriteEndObject();
    });

    private static void Strings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
