using System.Text.Json.Serialization;

namespace ReliableKafka.Benchmarks;

/// <summary>The <c>--json FILE</c> report of the producer benchmark, built from a <see cref="BenchReport"/>.</summary>
internal static class BenchReportJson
{
    public static void Write(string path, BenchReport report) => JsonReport.Write(path, Document(report), BenchReportJsonContext.Default.BenchReportDocument);

    private static BenchReportDocument Document(BenchReport report)
    {
        var o = report.Options;
        return new BenchReportDocument(
            new OptionsDocument(o.Messages, o.AsyncMessages, o.Rounds, o.InFlight, o.Window, o.Warmup, o.Quick),
            [.. report.Environment.Select(static line => line.Trim())],
            new ConfigurationDocument(
                "reliableProducer.Configuration; the raw producers use new ProducerConfig(this)",
                new SortedDictionary<string, string>(report.Configuration.ToDictionary(), StringComparer.Ordinal)),
            new SortedDictionary<string, string>(report.VariantNames.ToDictionary(), StringComparer.Ordinal),
            [.. report.Runs.Select(Run)],
            [.. report.Medians.Select(static m => new MedianDocument(
                m.Variant, m.Name, m.Runs, Math.Round(m.MessagesPerSecond, 1), Math.Round(m.CpuMsPerMillion, 2), Math.Round(m.AllocatedBytesPerMessage, 2),
                Math.Round(m.WallSeconds, 4), Math.Round(m.GcPauseMilliseconds, 1), m.Failed))],
            report.Reference is { } reference ? Run(reference) : null,
            new RatiosDocument(
                [.. report.Ratios.Select(static r => new RoundRatiosDocument(r.Round, Math.Round(r.ThroughputBA, 4), Math.Round(r.CpuBA, 4), Math.Round(r.ThroughputDC, 4), Math.Round(r.CpuDC, 4)))],
                new RatiosMedianDocument(
                    Math.Round(report.MedianPublishRatio, 4),
                    Math.Round(Stats.Median(report.Ratios.Select(static r => r.CpuBA)), 4),
                    Math.Round(report.MedianPublishAsyncRatio, 4),
                    Math.Round(Stats.Median(report.Ratios.Select(static r => r.CpuDC)), 4))),
            new GoalsDocument(Goal(report.MedianPublishRatio, BenchReport.PublishGoal), Goal(report.MedianPublishAsyncRatio, BenchReport.PublishAsyncGoal)),
            report.TotalFailed);
    }

    private static GoalDocument Goal(double ratio, double goal) => new(Math.Round(ratio, 4), goal, ratio >= goal);

    private static RunDocument Run(RunResult r) => new(
        r.Variant, r.Round, r.Order, r.Topic, r.Messages, r.Failed, r.FirstError,
        Math.Round(r.WallSeconds, 4), Math.Round(r.CpuMilliseconds, 1), r.AllocatedBytes, Math.Round(r.MessagesPerSecond, 1), Math.Round(r.CpuMsPerMillion, 2),
        Math.Round(r.AllocatedBytesPerMessage, 2), r.Gc.Gen0, r.Gc.Gen1, r.Gc.Gen2, Math.Round(r.Gc.PauseMilliseconds, 1), r.Gc.LockContentions,
        Math.Round(r.StartedAtSeconds, 6), Math.Round(r.EndedAtSeconds, 6));
}

internal sealed record BenchReportDocument(
    OptionsDocument Options,
    IReadOnlyList<string> Environment,
    ConfigurationDocument Configuration,
    IReadOnlyDictionary<string, string> Variants,
    IReadOnlyList<RunDocument> Runs,
    IReadOnlyList<MedianDocument> Medians,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RunDocument? Reference,
    RatiosDocument Ratios,
    GoalsDocument Goals,
    long Failed);

internal sealed record OptionsDocument(int Messages, int AsyncMessages, int Rounds, int InFlight, int Window, int Warmup, bool Quick);

internal sealed record ConfigurationDocument(string Source, IReadOnlyDictionary<string, string> Settings);

internal sealed record RunDocument(
    string Variant,
    int Round,
    int Order,
    string Topic,
    long Messages,
    long Failed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FirstError,
    double WallSeconds,
    double CpuMilliseconds,
    long AllocatedBytes,
    double MessagesPerSecond,
    [property: JsonPropertyName("cpuMsPerMillionMessages")] double CpuMsPerMillion,
    double AllocatedBytesPerMessage,
    [property: JsonPropertyName("gen0Collections")] int Gen0,
    [property: JsonPropertyName("gen1Collections")] int Gen1,
    [property: JsonPropertyName("gen2Collections")] int Gen2,
    double GcPauseMilliseconds,
    long LockContentions,
    [property: JsonPropertyName("monotonicStartSeconds")] double StartedAtSeconds,
    [property: JsonPropertyName("monotonicEndSeconds")] double EndedAtSeconds);

internal sealed record MedianDocument(
    string Variant,
    string Name,
    int Runs,
    double MessagesPerSecond,
    [property: JsonPropertyName("cpuMsPerMillionMessages")] double CpuMsPerMillion,
    double AllocatedBytesPerMessage,
    double WallSeconds,
    double GcPauseMilliseconds,
    long Failed);

internal sealed record RatiosDocument(IReadOnlyList<RoundRatiosDocument> PerRound, RatiosMedianDocument Median);

internal sealed record RoundRatiosDocument(
    int Round,
    [property: JsonPropertyName("throughputBOverA")] double ThroughputBA,
    [property: JsonPropertyName("cpuPerMessageBOverA")] double CpuBA,
    [property: JsonPropertyName("throughputDOverC")] double ThroughputDC,
    [property: JsonPropertyName("cpuPerMessageDOverC")] double CpuDC);

internal sealed record RatiosMedianDocument(
    [property: JsonPropertyName("throughputBOverA")] double ThroughputBA,
    [property: JsonPropertyName("cpuPerMessageBOverA")] double CpuBA,
    [property: JsonPropertyName("throughputDOverC")] double ThroughputDC,
    [property: JsonPropertyName("cpuPerMessageDOverC")] double CpuDC);

internal sealed record GoalsDocument(GoalDocument Publish, GoalDocument PublishAsync);

internal sealed record GoalDocument(double MedianRatio, double Goal, bool Met);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(BenchReportDocument))]
internal sealed partial class BenchReportJsonContext : JsonSerializerContext;
