using System.Globalization;
using System.Text.Json;
using ReliableKafka.Cli.Common;

namespace ReliableKafka.Cli.Bench;

/// <summary>
/// The <c>rk bench --json</c> document (see docs/cli.md): <c>{"cluster","workload","profiles":[...],"shape","notes","exitCode"}</c>.
/// Latencies are milliseconds, rates per second; a number that could not be measured is null.
/// </summary>
internal static class BenchJson
{
    public static string Write(BenchReport report) => JsonText.Object(writer =>
    {
        var target = report.Target;
        writer.WriteStartObject("cluster");
        writer.WriteBoolean("embedded", target.Embedded);
        writer.WriteString("bootstrapServers", target.BootstrapServers);
        writer.WriteNumber("brokers", target.Brokers);
        writer.WriteString("topic", target.Topic);
        writer.WriteNumber("partitions", target.Partitions);
        writer.WriteNumber("replicationFactor", target.ReplicationFactor);
        Number(writer, "minInsyncReplicas", target.MinInsyncReplicas);
        writer.WriteBoolean("topicCreated", target.TopicCreated);
        if (target.Simulation is { } delays)
        {
            writer.WriteStartObject("simulated");
            writer.WriteNumber("replicationDelayMs", delays.ReplicationDelayMs);
            writer.WriteNumber("networkDelayMs", delays.NetworkDelayMs);
            writer.WriteString("description", BenchNotes.Simulated(target));
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("simulated");
        }

        writer.WriteEndObject();

        var workload = report.Workload;
        writer.WriteStartObject("workload");
        Number(writer, "messages", workload.Messages);
        Number(writer, "durationSeconds", workload.DurationSeconds);
        writer.WriteNumber("messageBytes", workload.MessageBytes);
        Number(writer, "rate", workload.Rate);
        writer.WriteNumber("rounds", workload.Rounds);
        writer.WriteNumber("maxInFlight", workload.MaxInFlight);
        writer.WriteNumber("warmupMessages", workload.Warmup);
        writer.WriteEndObject();

        writer.WriteStartArray("profiles");
        foreach (var result in report.Results)
        {
            var defaults = result.Defaults;
            writer.WriteStartObject();
            writer.WriteString("profile", result.Profile.ToString());
            writer.WriteString("acks", result.Acks);
            writer.WriteBoolean("idempotence", defaults["enable.idempotence"] == "true");
            writer.WriteNumber("lingerMs", int.Parse(defaults["linger.ms"], CultureInfo.InvariantCulture));
            writer.WriteNumber("batchSize", int.Parse(defaults["batch.size"], CultureInfo.InvariantCulture));
            writer.WriteString("latencyMeasures", BenchNotes.Measures(result.Acks));
            writer.WriteNumber("published", result.Published);
            writer.WriteNumber("delivered", result.Delivered);
            writer.WriteNumber("failures", result.Failures);
            String(writer, "firstFailure", result.FirstFailure);
            Number(writer, "messagesPerSecond", result.MessagesPerSecond);
            Number(writer, "megabytesPerSecond", result.MegabytesPerSecond(workload.MessageBytes));
            Latency(writer, result.P50, result.P99, result.Max);
            writer.WriteStartArray("rounds");
            foreach (var round in result.Rounds)
            {
                writer.WriteStartObject();
                writer.WriteNumber("published", round.Published);
                writer.WriteNumber("delivered", round.Delivered);
                writer.WriteNumber("failures", round.Failures);
                Number(writer, "seconds", round.Seconds);
                Number(writer, "messagesPerSecond", round.MessagesPerSecond);
                Latency(writer, round.Latency.P50, round.Latency.P99, round.Latency.Max);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartObject("shape");
        writer.WriteString("expected", ShapeVerdict.Expected);
        writer.WriteBoolean("checked", report.Shape.Checked);
        writer.WriteBoolean("holds", report.Shape.Holds);
        writer.WriteBoolean("enforced", report.Shape.Enforced);
        writer.WriteString("measured", report.Shape.Order);
        writer.WriteString("message", BenchNotes.Shape(report.Shape, target));
        writer.WriteEndObject();

        writer.WriteStartArray("notes");
        foreach (var note in BenchNotes.Latency(workload))
        {
            writer.WriteStringValue(note);
        }

        writer.WriteEndArray();
        writer.WriteNumber("exitCode", report.ExitCode);
    });

    private static void Latency(Utf8JsonWriter writer, double p50, double p99, double max)
    {
        writer.WriteStartObject("latencyMs");
        Number(writer, "p50", p50);
        Number(writer, "p99", p99);
        Number(writer, "max", max);
        writer.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteNumber(name, BenchFormat.Round(value));
        }
    }

    private static void Number(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void String(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
