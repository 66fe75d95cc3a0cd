using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ReliableKafka.Simulator.Benchmarks;

/// <summary>The <c>--json FILE</c> report of the simulator benchmark, built from a <see cref="BenchReport"/>.</summary>
internal static class BenchReportJson
{
    private const string MemoryNote = "heap: GC.GetTotalMemory(true) after producing minus before; gcHeapSize: HeapSizeBytes after a full GC that compacts the large object heap; working set: indicative only, the GC keeps memory it committed; the three replicas share each batch's bytes";

    public static void Write(string path, BenchReport report) => JsonReport.Write(path, Document(report), SimulatorBenchJsonContext.Default.SimulatorBenchDocument);

    private static SimulatorBenchDocument Document(BenchReport report)
    {
        var o = report.Options;
        var goals = new JsonObject();
        foreach (var level in report.Ratios.Select(static r => r.Level).Distinct())
        {
            goals[level.Label()] = JsonSerializer.SerializeToNode(
                new LevelGoalsDocument(Goal(report.MedianProduceRatio(level), BenchReport.ProduceGoal), Goal(report.MedianConsumeRatio(level), BenchReport.ConsumeGoal)),
                SimulatorBenchJsonContext.Default.LevelGoalsDocument);
        }

        if (report.Ratios.Count > 0)
        {
            goals["consumeAllLevels"] = JsonSerializer.SerializeToNode(Goal(report.MedianConsumeRatio(), BenchReport.ConsumeGoal), SimulatorBenchJsonContext.Default.GoalDocument);
        }

        return new SimulatorBenchDocument(
            new OptionsDocument(o.Messages, o.Rounds, o.Warmup, o.Window, o.BatchSize, o.Quick, Sorted(o.ProducerSettings), Sorted(o.ConsumerSettings), Workload.FetchQueueBackoffMs),
            [.. report.Environment.Select(static line => line.Trim())],
            report.TopicNotes.OrderBy(static p => p.Key).ToDictionary(static p => p.Key.Label(), static p => p.Value),
            [.. report.Warmups.Select(Run)],
            [.. report.Runs.Select(Run)],
            [.. report.Medians.Select(static m => new MedianDocument(
                m.Level.Label(), m.Target.Label(), m.Runs, R(m.ProduceMessagesPerSecond, 1), R(m.ProduceCpuMsPerMillion, 1), R(m.ProduceAllocatedBytesPerMessage, 2),
                R(m.ConsumeRead, 0), R(m.ConsumeMessagesPerSecond, 1), R(m.ConsumeCpuMsPerMillion, 1), R(m.HeapBytesPerMessage, 2)))],
            [.. report.Ratios.Select(static r => new RatioDocument(r.Level.Label(), r.Round, R(r.Produce, 4), R(r.ProduceCpu, 4), R(r.Consume, 4), R(r.ConsumeCpu, 4)))],
            goals,
            new MemoryDocument(
                R(report.SimulatorHeapBytesPerMessage, 2),
                R(report.SimulatorHeapBytesPerMessage, 1),
                R(report.SimulatorGcHeapBytesPerMessage, 2),
                R(report.SimulatorWorkingSetBytesPerMessage, 2),
                MemoryNote));
    }

    private static GoalDocument Goal(double ratio, double goal) => new(R(ratio, 4), goal, ratio >= goal);

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string> settings) =>
        new(settings.ToDictionary(), StringComparer.Ordinal);

    /// <summary>Rounded as the report prints it; null where nothing was measured.</summary>
    private static double? R(double value, int decimals) => double.IsFinite(value) ? Math.Round(value, decimals) : null;

    private static RunDocument Run(RunResult r) => new(
        r.Level.Label(),
        r.Target.Label(),
        r.Round,
        r.Order,
        r.Topic,
        r.Partitions,
        r.Replicas,
        new ProduceDocument(
            r.Produce.Messages, R(r.Produce.Seconds, 4), R(r.Produce.MessagesPerSecond, 1), R(r.Produce.CpuMilliseconds, 1), R(r.Produce.CpuMsPerMillion, 1),
            r.Produce.AllocatedBytes, r.Produce.Gc.Gen0, r.Produce.Gc.Gen1, r.Produce.Gc.Gen2, R(r.Produce.Gc.PauseMilliseconds, 1),
            R(r.Produce.StartedAtSeconds, 6), R(r.Produce.EndedAtSeconds, 6)),
        new MemoryOfRunDocument(
            r.Memory.HeapBefore, r.Memory.HeapAfter, r.Memory.GcHeapBefore, r.Memory.GcHeapAfter, r.Memory.WorkingSetBefore, r.Memory.WorkingSetAfter,
            R(r.Memory.HeapBytesPerMessage, 2), R(r.Memory.GcHeapBytesPerMessage, 2), R(r.Memory.WorkingSetBytesPerMessage, 2)),
        r.ReplicasInSync,
        r.Batches >= 0 ? r.Batches : null,
        r.Batches >= 0 ? r.TruthEvents : null,
        new ConsumeDocument(
            r.Consume.Appended, r.Consume.Expected, r.Consume.Read, R(r.Consume.Seconds, 4), R(r.Consume.FirstRecordSeconds, 4), R(r.Consume.MessagesPerSecond, 1),
            R(r.Consume.CpuMilliseconds, 1), R(r.Consume.CpuMsPerMillion, 1), r.Consume.AllocatedBytes),
        r.ClientErrors,
        r.LastClientError);
}

internal sealed record SimulatorBenchDocument(
    OptionsDocument Options,
    IReadOnlyList<string> Environment,
    IReadOnlyDictionary<string, string> Topics,
    IReadOnlyList<RunDocument> Warmups,
    IReadOnlyList<RunDocument> Runs,
    IReadOnlyList<MedianDocument> Medians,
    IReadOnlyList<RatioDocument> Ratios,
    JsonObject Goals,
    [property: JsonPropertyName("simulatorMemory")] MemoryDocument SimulatorMemory);

internal sealed record OptionsDocument(
    int Messages,
    int Rounds,
    int Warmup,
    int Window,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? BatchSize,
    bool Quick,
    IReadOnlyDictionary<string, string> ProducerSettings,
    IReadOnlyDictionary<string, string> ConsumerSettings,
    int ConsumerFetchQueueBackoffMs);

internal sealed record RunDocument(
    string Acks,
    string Target,
    int Round,
    int Order,
    string Topic,
    int Partitions,
    int Replicas,
    ProduceDocument Produce,
    MemoryOfRunDocument Memory,
    [property: JsonPropertyName("replicasInSyncAfterProduce"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? ReplicasInSync,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Batches,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? TruthEvents,
    ConsumeDocument Consume,
    long ClientErrors,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastClientError);

internal sealed record ProduceDocument(
    long Messages,
    double? Seconds,
    double? MessagesPerSecond,
    double? CpuMilliseconds,
    [property: JsonPropertyName("cpuMsPerMillionMessages")] double? CpuMsPerMillion,
    long AllocatedBytes,
    [property: JsonPropertyName("gen0Collections")] int Gen0,
    [property: JsonPropertyName("gen1Collections")] int Gen1,
    [property: JsonPropertyName("gen2Collections")] int Gen2,
    [property: JsonPropertyName("gcPauseMilliseconds")] double? GcPauseMilliseconds,
    [property: JsonPropertyName("monotonicStartSeconds")] double? StartedAtSeconds,
    [property: JsonPropertyName("monotonicEndSeconds")] double? EndedAtSeconds);

internal sealed record MemoryOfRunDocument(
    long HeapBefore,
    long HeapAfter,
    [property: JsonPropertyName("gcHeapSizeBefore")] long GcHeapBefore,
    [property: JsonPropertyName("gcHeapSizeAfter")] long GcHeapAfter,
    long WorkingSetBefore,
    long WorkingSetAfter,
    double? HeapBytesPerMessage,
    [property: JsonPropertyName("gcHeapSizeBytesPerMessage")] double? GcHeapBytesPerMessage,
    double? WorkingSetBytesPerMessage);

internal sealed record ConsumeDocument(
    long Appended,
    long Expected,
    long Read,
    double? Seconds,
    double? FirstRecordSeconds,
    double? MessagesPerSecond,
    double? CpuMilliseconds,
    [property: JsonPropertyName("cpuMsPerMillionMessages")] double? CpuMsPerMillion,
    long AllocatedBytes);

internal sealed record MedianDocument(
    string Acks,
    string Target,
    int Runs,
    double? ProduceMessagesPerSecond,
    [property: JsonPropertyName("produceCpuMsPerMillionMessages")] double? ProduceCpuMsPerMillion,
    double? ProduceAllocatedBytesPerMessage,
    double? ConsumeRead,
    double? ConsumeMessagesPerSecond,
    [property: JsonPropertyName("consumeCpuMsPerMillionMessages")] double? ConsumeCpuMsPerMillion,
    double? HeapBytesPerMessage);

internal sealed record RatioDocument(
    string Acks,
    int Round,
    [property: JsonPropertyName("produceSimulatorOverMock")] double? Produce,
    [property: JsonPropertyName("produceCpuPerMessageSimulatorOverMock")] double? ProduceCpu,
    [property: JsonPropertyName("consumeSimulatorOverMock")] double? Consume,
    [property: JsonPropertyName("consumeCpuPerMessageSimulatorOverMock")] double? ConsumeCpu);

internal sealed record GoalDocument(double? MedianRatio, double Goal, bool Met);

internal sealed record LevelGoalsDocument(GoalDocument Produce, GoalDocument Consume);

internal sealed record MemoryDocument(
    double? HeapBytesPerMessage,
    double? MegabytesPerMillionMessages,
    [property: JsonPropertyName("gcHeapSizeBytesPerMessage")] double? GcHeapSizeBytesPerMessage,
    double? WorkingSetBytesPerMessage,
    string Note);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(SimulatorBenchDocument))]
[JsonSerializable(typeof(LevelGoalsDocument))]
internal sealed partial class SimulatorBenchJsonContext : JsonSerializerContext;
