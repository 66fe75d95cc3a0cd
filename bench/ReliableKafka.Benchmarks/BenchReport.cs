using System.Globalization;
using System.Text;

namespace ReliableKafka.Benchmarks;

/// <summary>Everything measured, printed as text and written as JSON.</summary>
internal sealed class BenchReport
{
    public const double PublishGoal = 0.95;
    public const double PublishAsyncGoal = 0.90;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public required BenchOptions Options { get; init; }

    public required IReadOnlyList<string> Environment { get; init; }

    public required IReadOnlyDictionary<string, string> Configuration { get; init; }

    public required IReadOnlyDictionary<string, string> VariantNames { get; init; }

    public required IReadOnlyList<RunResult> Runs { get; init; }

    public RunResult? Reference { get; init; }

    public IReadOnlyList<VariantSummary> Medians =>
        [.. Runs.GroupBy(static r => r.Variant).OrderBy(static g => g.Key, StringComparer.Ordinal)
            .Select(g => VariantSummary.Of(g.Key, VariantNames[g.Key], [.. g]))];

    public IReadOnlyList<RoundRatios> Ratios =>
        [.. Runs.GroupBy(static r => r.Round).OrderBy(static g => g.Key).Select(static g =>
        {
            var byVariant = g.ToDictionary(static r => r.Variant, StringComparer.Ordinal);
            return new RoundRatios(
                g.Key,
                byVariant["B"].MessagesPerSecond / byVariant["A"].MessagesPerSecond,
                byVariant["B"].CpuMsPerMillion / byVariant["A"].CpuMsPerMillion,
                byVariant["D"].MessagesPerSecond / byVariant["C"].MessagesPerSecond,
                byVariant["D"].CpuMsPerMillion / byVariant["C"].CpuMsPerMillion);
        })];

    public double MedianPublishRatio => Stats.Median(Ratios.Select(static r => r.ThroughputBA));

    public double MedianPublishAsyncRatio => Stats.Median(Ratios.Select(static r => r.ThroughputDC));

    public long TotalFailed => Runs.Sum(static r => r.Failed) + (Reference?.Failed ?? 0);

    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var line in Environment)
        {
            text.Append(line).Append('\n');
        }

        text.Append("\nPer round (A/B order alternates A,B then B,A; likewise C/D):\n");
        var runs = new TextTable("variant", "round", "order", "messages", "wall s", "msg/s", "CPU ms", "CPU ms/M msg", "cores busy", "alloc B/msg", "GC 0/1/2", "GC pause ms", "lock cont.", "failed");
        foreach (var r in Runs.OrderBy(static r => r.Round).ThenBy(static r => r.Variant, StringComparer.Ordinal))
        {
            runs.Add(Label(r.Variant), N(r.Round), N(r.Order), N(r.Messages), F(r.WallSeconds, 3), F(r.MessagesPerSecond, 0),
                F(r.CpuMilliseconds, 0), F(r.CpuMsPerMillion, 1), F(r.CpuUtilisation, 2), F(r.AllocatedBytesPerMessage, 1),
                $"{r.Gc.Gen0}/{r.Gc.Gen1}/{r.Gc.Gen2}", F(r.Gc.PauseMilliseconds, 0), N(r.Gc.LockContentions), N(r.Failed));
        }

        text.Append(runs);

        text.Append("\nMedians per variant:\n");
        var medians = new TextTable("variant", "runs", "msg/s", "CPU ms/M msg", "alloc B/msg", "wall s", "GC pause ms", "failed");
        foreach (var m in Medians)
        {
            medians.Add(Label(m.Variant), N(m.Runs), F(m.MessagesPerSecond, 0), F(m.CpuMsPerMillion, 1), F(m.AllocatedBytesPerMessage, 1), F(m.WallSeconds, 3), F(m.GcPauseMilliseconds, 0), N(m.Failed));
        }

        if (Reference is { } e)
        {
            medians.Add(Label(e.Variant) + " [1 run]", "1", F(e.MessagesPerSecond, 0), F(e.CpuMsPerMillion, 1), F(e.AllocatedBytesPerMessage, 1), F(e.WallSeconds, 3), F(e.Gc.PauseMilliseconds, 0), N(e.Failed));
        }

        text.Append(medians);

        text.Append("\nPaired ratios per round (msg/s: higher is better for the wrapper; CPU/M: lower is better):\n");
        var ratios = new TextTable("round", "B/A msg/s", "B/A CPU/M", "D/C msg/s", "D/C CPU/M");
        foreach (var r in Ratios)
        {
            ratios.Add(N(r.Round), P(r.ThroughputBA), P(r.CpuBA), P(r.ThroughputDC), P(r.CpuDC));
        }

        ratios.Add("median", P(MedianPublishRatio), P(Stats.Median(Ratios.Select(static r => r.CpuBA))),
            P(MedianPublishAsyncRatio), P(Stats.Median(Ratios.Select(static r => r.CpuDC))));
        text.Append(ratios);

        text.Append('\n');
        text.Append(GoalLine("high-throughput path keeps", MedianPublishRatio, "raw Produce", PublishGoal)).Append('\n');
        text.Append(GoalLine("PublishAsync keeps", MedianPublishAsyncRatio, "raw ProduceAsync", PublishAsyncGoal)).Append('\n');

        var failedRuns = Runs.Append(Reference).OfType<RunResult>().Where(static r => r.Failed > 0).ToList();
        if (failedRuns.Count > 0)
        {
            text.Append("\nERROR: deliveries failed; these runs are not valid measurements:\n");
            foreach (var r in failedRuns)
            {
                text.Append(Invariant, $"  {Label(r.Variant)} round {r.Round} ({r.Topic}): {r.Failed:N0} of {r.Messages:N0} failed; first: {r.FirstError}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>Writes the numbers as JSON (<see cref="BenchReportJson"/>).</summary>
    public void WriteJson(string path) => BenchReportJson.Write(path, this);

    private static string GoalLine(string what, double ratio, string baseline, double goal)
    {
        var line = string.Create(Invariant, $"{what} {ratio * 100:0.0}% of {baseline} (goal >= {goal * 100:0}%)");
        return ratio >= goal
            ? line + "  -> met"
            : line + string.Create(Invariant, $"  -> MISSED by {(goal - ratio) * 100:0.0} points");
    }

    private string Label(string variant) =>
        VariantNames.TryGetValue(variant, out var name) ? $"{variant} {name}" : variant;

    private static string N(long value) => value.ToString("N0", Invariant);

    private static string F(double value, int decimals) => value.ToString("N" + decimals.ToString(Invariant), Invariant);

    private static string P(double ratio) => (ratio * 100).ToString("0.0", Invariant) + "%";
}
