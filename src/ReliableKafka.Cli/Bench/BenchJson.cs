using System.Globalization;
using ReliableKafka.Cli.Common;

namespace ReliableKafka.Cli.Bench;

/// <summary>
/// The <c>rk bench --json</c> document (docs/schemas/bench.schema.json): a <see cref="BenchDocument"/>. Latencies are
/// milliseconds, rates per second; a number that could not be measured is null.
/// </summary>
internal static class BenchJson
{
    public static string Write(BenchReport report) => ReportJson.Serialize(Document(report));

    public static BenchDocument Document(BenchReport report)
    {
        var (target, workload) = (report.Target, report.Workload);
        return new BenchDocument(
            new BenchClusterDocument(
                target.Embedded,
                target.BootstrapServers,
                target.Brokers,
                target.Topic,
                target.Partitions,
                target.ReplicationFactor,
                target.MinInsyncReplicas,
                target.TopicCreated,
                target.Simulation is { } delays ? new BenchSimulationDocument(delays.ReplicationDelayMs, delays.NetworkDelayMs, BenchNotes.Simulated(target)) : null),
            new BenchWorkloadDocument(workload.Messages, workload.DurationSeconds, workload.MessageBytes, workload.Rate, workload.Rounds, workload.MaxInFlight, workload.Warmup),
            [.. report.Results.Select(r => Profile(r, workload))],
            new BenchShapeDocument(ShapeVerdict.Expected, report.Shape.Checked, report.Shape.Holds, report.Shape.Enforced, report.Shape.Order, BenchNotes.Shape(report.Shape, target)),
            [.. BenchNotes.Latency(workload)],
            report.ExitCode);
    }

    private static BenchProfileDocument Profile(ProfileResult result, BenchWorkload workload)
    {
        var defaults = result.Defaults;
        return new BenchProfileDocument(
            result.Profile.ToString(),
            result.Acks,
            defaults["enable.idempotence"] == "true",
            int.Parse(defaults["linger.ms"], CultureInfo.InvariantCulture),
            int.Parse(defaults["batch.size"], CultureInfo.InvariantCulture),
            BenchNotes.Measures(result.Acks),
            result.Published,
            result.Delivered,
            result.Failures,
            result.FirstFailure,
            Measured(result.MessagesPerSecond),
            Measured(result.MegabytesPerSecond(workload.MessageBytes)),
            Latency(result.P50, result.P99, result.Max),
            [.. result.Rounds.Select(static r => new BenchRoundDocument(
                r.Published, r.Delivered, r.Failures, Measured(r.Seconds), Measured(r.MessagesPerSecond), Latency(r.Latency.P50, r.Latency.P99, r.Latency.Max)))]);
    }

    private static BenchLatencyDocument Latency(double p50, double p99, double max) => new(Measured(p50), Measured(p99), Measured(max));

    /// <summary>The number rounded to 3 decimals, or null when it could not be measured.</summary>
    private static double? Measured(double value) => double.IsFinite(value) ? BenchFormat.Round(value) : null;
}

/// <summary>The <c>rk bench --json</c> document.</summary>
internal sealed record BenchDocument(
    BenchClusterDocument Cluster, BenchWorkloadDocument Workload, IReadOnlyList<BenchProfileDocument> Profiles, BenchShapeDocument Shape, IReadOnlyList<string> Notes, int ExitCode);

/// <summary>The cluster measured; <paramref name="Simulated"/> is null for a real one.</summary>
internal sealed record BenchClusterDocument(
    bool Embedded, string BootstrapServers, int Brokers, string Topic, int Partitions, int ReplicationFactor, int? MinInsyncReplicas, bool TopicCreated, BenchSimulationDocument? Simulated);

/// <summary>The embedded simulator's delays.</summary>
internal sealed record BenchSimulationDocument(int ReplicationDelayMs, int NetworkDelayMs, string? Description);

/// <summary>What each profile published in each round.</summary>
internal sealed record BenchWorkloadDocument(int? Messages, int? DurationSeconds, int MessageBytes, int? Rate, int Rounds, int MaxInFlight, int WarmupMessages);

/// <summary>One profile: its settings, and the medians of its rounds.</summary>
internal sealed record BenchProfileDocument(
    string Profile,
    string Acks,
    bool Idempotence,
    int LingerMs,
    int BatchSize,
    string LatencyMeasures,
    int Published,
    int Delivered,
    int Failures,
    string? FirstFailure,
    double? MessagesPerSecond,
    double? MegabytesPerSecond,
    BenchLatencyDocument LatencyMs,
    IReadOnlyList<BenchRoundDocument> Rounds);

/// <summary>One round of one profile.</summary>
internal sealed record BenchRoundDocument(int Published, int Delivered, int Failures, double? Seconds, double? MessagesPerSecond, BenchLatencyDocument LatencyMs);

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record BenchLatencyDocument(double? P50, double? P99, double? Max);

/// <summary>Whether p50 latency followed acks=0 &lt; acks=1 &lt; acks=all, and whether that was enforced.</summary>
internal sealed record BenchShapeDocument(string Expected, bool Checked, bool Holds, bool Enforced, string Measured, string Message);
