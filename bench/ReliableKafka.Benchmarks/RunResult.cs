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
    long AllocatedBytes)
{
    public double MessagesPerSecond => Messages / WallSeconds;

    public double CpuMsPerMillion => CpuMilliseconds * 1_000_000d / Messages;

    public double AllocatedBytesPerMessage => (double)AllocatedBytes / Messages;

    /// <summary>CPU cores busy on average during the run.</summary>
    public double CpuUtilisation => CpuMilliseconds / 1000d / WallSeconds;
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
        runs.Sum(static r => r.Failed));
}

/// <summary>The paired ratios of one round.</summary>
internal sealed record RoundRatios(int Round, double ThroughputBA, double CpuBA, double ThroughputDC, double CpuDC);

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
