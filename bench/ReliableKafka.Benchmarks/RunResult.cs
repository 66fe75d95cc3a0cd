namespace ReliableKafka.Benchmarks;

/// <summary>The numbers of one measured run.</summary>
internal sealed record RunResult(
    string Variant,
    int Round,
    int Order,
    string Topic,
    long Messages,
    long Failed,
    string? FirstError,
    double WallSeconds,
    double CpuMilliseconds,
    long AllocatedBytes,
    GcActivity Gc,
    double StartedAtSeconds,
    double EndedAtSeconds)
{
    public double MessagesPerSecond => Messages / WallSeconds;

    public double CpuMsPerMillion => CpuMilliseconds * 1_000_000d / Messages;

    public double AllocatedBytesPerMessage => (double)AllocatedBytes / Messages;

    /// <summary>CPU cores busy on average during the run.</summary>
    public double CpuUtilisation => CpuMilliseconds / 1000d / WallSeconds;
}

/// <summary>Garbage collections, GC pause time and lock contentions during a run.</summary>
internal sealed record GcActivity(int Gen0, int Gen1, int Gen2, double PauseMilliseconds, long LockContentions)
{
    public static GcActivity Now() => new(
        GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
        GC.GetTotalPauseDuration().TotalMilliseconds, Monitor.LockContentionCount);

    public GcActivity Since(GcActivity before) => new(
        Gen0 - before.Gen0, Gen1 - before.Gen1, Gen2 - before.Gen2,
        PauseMilliseconds - before.PauseMilliseconds, LockContentions - before.LockContentions);
}

/// <summary>Medians of a variant over the rounds.</summary>
internal sealed record VariantSummary(
    string Variant,
    string Name,
    int Runs,
    double MessagesPerSecond,
    double CpuMsPerMillion,
    double AllocatedBytesPerMessage,
    double WallSeconds,
    double GcPauseMilliseconds,
    double Gen1Collections,
    long Failed)
{
    public static VariantSummary Of(string variant, string name, IReadOnlyCollection<RunResult> runs) => new(
        variant,
        name,
        runs.Count,
        Stats.Median(runs.Select(static r => r.MessagesPerSecond)),
        Stats.Median(runs.Select(static r => r.CpuMsPerMillion)),
        Stats.Median(runs.Select(static r => r.AllocatedBytesPerMessage)),
        Stats.Median(runs.Select(static r => r.WallSeconds)),
        Stats.Median(runs.Select(static r => r.Gc.PauseMilliseconds)),
        Stats.Median(runs.Select(static r => (double)r.Gc.Gen1)),
        runs.Sum(static r => r.Failed));
}

/// <summary>The paired ratios of one round.</summary>
internal sealed record RoundRatios(int Round, double ThroughputBA, double CpuBA, double ThroughputDC, double CpuDC);
