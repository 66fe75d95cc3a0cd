using System.Globalization;
using System.Text;

namespace ReliableKafka.Simulator.Benchmarks;

/// <summary>Everything measured, printed as text tables and written as JSON.</summary>
internal sealed class BenchReport
{
    /// <summary>The simulator's produce throughput must reach this fraction of the mock's, at every acks level.</summary>
    public const double ProduceGoal = 0.80;

    /// <summary>The simulator's consumer must read at least as fast as the mock's.</summary>
    public const double ConsumeGoal = 1.00;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public required BenchOptions Options { get; init; }

    public required IReadOnlyList<string> Environment { get; init; }

    public required IReadOnlyList<RunResult> Warmups { get; init; }

    public required IReadOnlyList<RunResult> Runs { get; init; }

    public required IReadOnlyDictionary<TargetKind, string> TopicNotes { get; init; }

    public IReadOnlyList<Summary> Medians =>
        [.. Runs.GroupBy(static r => (r.Level, r.Target)).OrderBy(static g => g.Key.Level).ThenBy(static g => g.Key.Target)
            .Select(static g => Summary.Of(g.Key.Level, g.Key.Target, [.. g]))];

    /// <summary>Simulator over mock within each round, per acks level (empty when only one target ran).</summary>
    public IReadOnlyList<PairRatio> Ratios =>
        [.. Runs.GroupBy(static r => (r.Level, r.Round)).OrderBy(static g => g.Key.Level).ThenBy(static g => g.Key.Round)
            .Select(static g => PairRatio.Of(g.Key.Level, g.Key.Round, [.. g]))
            .OfType<PairRatio>()];

    public double MedianProduceRatio(AcksLevel level) => Stats.Median(Ratios.Where(r => r.Level == level).Select(static r => r.Produce));

    public double MedianConsumeRatio(AcksLevel level) => Stats.Median(Ratios.Where(r => r.Level == level).Select(static r => r.Consume));

    public double MedianConsumeRatio() => Stats.Median(Ratios.Select(static r => r.Consume));

    /// <summary>Managed heap growth per message the simulator holds (median over its runs), or NaN.</summary>
    public double SimulatorHeapBytesPerMessage =>
        Stats.Median(Runs.Where(static r => r.Target == TargetKind.Simulator).Select(static r => r.Memory.HeapBytesPerMessage));

    public double SimulatorGcHeapBytesPerMessage =>
        Stats.Median(Runs.Where(static r => r.Target == TargetKind.Simulator).Select(static r => r.Memory.GcHeapBytesPerMessage));

    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var line in Environment)
        {
            text.Append(line).Append('\n');
        }

        foreach (var (target, note) in TopicNotes.OrderBy(static p => p.Key))
        {
            text.Append("  topic on the ").Append(target.Label()).Append(": ").Append(note).Append('\n');
        }

        text.Append("\nPer run (order 1 = ran first in its pair; produce = first hand-over to last delivery report; read = Assign to last record):\n");
        var runs = new TextTable(2, "acks", "target", "round", "order", "produce msg/s", "CPU ms/M", "alloc B/msg", "GC 0/1/2", "heap B/msg",
            "batches", "in sync", "read msgs", "read msg/s", "read CPU ms/M", "1st rec ms", "client errs");
        foreach (var r in Runs.OrderBy(static r => r.Level).ThenBy(static r => r.Round).ThenBy(static r => r.Order))
        {
            runs.Add(r.Level.Label(), r.Target.Label(), N(r.Round), N(r.Order), F(r.Produce.MessagesPerSecond, 0), F(r.Produce.CpuMsPerMillion, 0),
                F(r.Produce.AllocatedBytesPerMessage, 0), $"{r.Produce.Gc.Gen0}/{r.Produce.Gc.Gen1}/{r.Produce.Gc.Gen2}", F(r.Memory.HeapBytesPerMessage, 1),
                r.Batches < 0 ? "-" : N(r.Batches), InSync(r.ReplicasInSync), N(r.Consume.Read), F(r.Consume.MessagesPerSecond, 0),
                F(r.Consume.CpuMsPerMillion, 0), F(r.Consume.FirstRecordSeconds * 1000, 1), N(r.ClientErrors));
        }

        text.Append(runs);

        text.Append(string.Create(Invariant, $"\nMedians per acks level and target ({Options.Rounds} rounds, {Options.Messages:N0} messages each):\n"));
        var medians = new TextTable(2, "acks", "target", "runs", "produce msg/s", "CPU ms/M msg", "alloc B/msg", "read msgs", "read msg/s", "read CPU ms/M", "heap B/msg");
        foreach (var m in Medians)
        {
            medians.Add(m.Level.Label(), m.Target.Label(), N(m.Runs), F(m.ProduceMessagesPerSecond, 0), F(m.ProduceCpuMsPerMillion, 0),
                F(m.ProduceAllocatedBytesPerMessage, 0), F(m.ConsumeRead, 0), F(m.ConsumeMessagesPerSecond, 0), F(m.ConsumeCpuMsPerMillion, 0), F(m.HeapBytesPerMessage, 1));
        }

        text.Append(medians);

        var ratios = Ratios;
        if (ratios.Count > 0)
        {
            text.Append("\nSimulator / mock, paired within each round (msg/s: higher is better for the simulator; CPU/M: lower is better):\n");
            var table = new TextTable(2, "acks", "round", "produce msg/s", "produce CPU/M", "read msg/s", "read CPU/M");
            foreach (var level in ratios.Select(static r => r.Level).Distinct())
            {
                var ofLevel = ratios.Where(r => r.Level == level).ToList();
                foreach (var r in ofLevel)
                {
                    table.Add(level.Label(), N(r.Round), P(r.Produce), P(r.ProduceCpu), P(r.Consume), P(r.ConsumeCpu));
                }

                table.Add(level.Label(), "median", P(Stats.Median(ofLevel.Select(static r => r.Produce))), P(Stats.Median(ofLevel.Select(static r => r.ProduceCpu))),
                    P(Stats.Median(ofLevel.Select(static r => r.Consume))), P(Stats.Median(ofLevel.Select(static r => r.ConsumeCpu))));
            }

            text.Append(table);

            text.Append('\n');
            foreach (var level in ratios.Select(static r => r.Level).Distinct())
            {
                text.Append(GoalLine($"simulator reaches {P(MedianProduceRatio(level))} of the mock's produce throughput at {level.Label()}", MedianProduceRatio(level), ProduceGoal)).Append('\n');
            }

            foreach (var level in ratios.Select(static r => r.Level).Distinct())
            {
                text.Append(GoalLine($"consumer reads at {P(MedianConsumeRatio(level))} of the mock's rate after {level.Label()}", MedianConsumeRatio(level), ConsumeGoal)).Append('\n');
            }

            text.Append(GoalLine($"consumer reads at {P(MedianConsumeRatio())} of the mock's rate (median over all pairs)", MedianConsumeRatio(), ConsumeGoal)).Append('\n');
            var mockRead = Runs.Where(static r => r.Target == TargetKind.Mock).Select(static r => (double)r.Consume.Read).DefaultIfEmpty(double.NaN).Min();
            if (mockRead < Options.Messages)
            {
                text.Append(string.Create(Invariant,
                    $"  note: the mock keeps only the newest 5 MiB per partition, so its reader reads {mockRead:N0} of the {Options.Messages:N0} messages; the simulator's reads all of them\n"));
            }
        }

        var simulatorRuns = Runs.Count(static r => r.Target == TargetKind.Simulator);
        if (simulatorRuns > 0)
        {
            var perMessage = SimulatorHeapBytesPerMessage;
            text.Append(string.Create(Invariant,
                $"\nsimulator memory: {perMessage:0.0} bytes per 100-byte message held (managed heap after a full GC, median of {simulatorRuns} runs) = {perMessage:0} MB per million messages ({perMessage * 1_000_000 / (1024 * 1024):0} MiB); GC heap size (HeapSizeBytes) grew {SimulatorGcHeapBytesPerMessage:0.0} B/msg\n"));
            text.Append("  RF 3: the followers' logs hold the leader's StoredBatch objects (one byte[] per batch), so the three replicas share one copy of the bytes in-process\n");
            var batches = Stats.Median(Runs.Where(static r => r.Target == TargetKind.Simulator && r.Batches > 0).Select(static r => (double)r.Batches));
            var events = Stats.Median(Runs.Where(static r => r.Target == TargetKind.Simulator && r.TruthEvents > 0).Select(static r => (double)r.TruthEvents));
            if (!double.IsNaN(batches))
            {
                text.Append(string.Create(Invariant,
                    $"  leaders appended {batches:N0} batches per run (median; {Options.Messages / batches:N0} messages per batch); the ground truth held {events:N0} events\n"));
            }
        }

        if (Runs.Any(static r => r.Target == TargetKind.Mock))
        {
            text.Append(string.Create(Invariant,
                $"mock memory: its logs live in native memory, at most 5 MiB per partition (managed heap growth {Stats.Median(Runs.Where(static r => r.Target == TargetKind.Mock).Select(static r => r.Memory.HeapBytesPerMessage)):0.0} B/msg)\n"));
        }

        return text.ToString();
    }

    public double SimulatorWorkingSetBytesPerMessage => WorkingSetBytesPerMessage(TargetKind.Simulator);

    private double WorkingSetBytesPerMessage(TargetKind target) =>
        Stats.Median(Runs.Where(r => r.Target == target).Select(static r => r.Memory.WorkingSetBytesPerMessage));

    private static string GoalLine(string what, double ratio, double goal)
    {
        var line = string.Create(Invariant, $"{what} (goal >= {goal * 100:0}%)");
        return ratio >= goal
            ? line + "  -> met"
            : line + string.Create(Invariant, $"  -> MISSED by {(goal - ratio) * 100:0.0} points");
    }

    private static string InSync(bool? inSync) => inSync switch
    {
        true => "yes",
        false => "NO",
        null => "-",
    };

    private static string N(long value) => value.ToString("N0", Invariant);

    private static string F(double value, int decimals) =>
        double.IsFinite(value) ? value.ToString("N" + decimals.ToString(Invariant), Invariant) : "-";

    private static string P(double ratio) => double.IsFinite(ratio) ? (ratio * 100).ToString("0.0", Invariant) + "%" : "-";
}

/// <summary>Medians of one acks level and target over the rounds.</summary>
internal sealed record Summary(
    AcksLevel Level,
    TargetKind Target,
    int Runs,
    double ProduceMessagesPerSecond,
    double ProduceCpuMsPerMillion,
    double ProduceAllocatedBytesPerMessage,
    double ConsumeRead,
    double ConsumeMessagesPerSecond,
    double ConsumeCpuMsPerMillion,
    double HeapBytesPerMessage)
{
    public static Summary Of(AcksLevel level, TargetKind target, IReadOnlyCollection<RunResult> runs) => new(
        level,
        target,
        runs.Count,
        Stats.Median(runs.Select(static r => r.Produce.MessagesPerSecond)),
        Stats.Median(runs.Select(static r => r.Produce.CpuMsPerMillion)),
        Stats.Median(runs.Select(static r => r.Produce.AllocatedBytesPerMessage)),
        Stats.Median(runs.Select(static r => (double)r.Consume.Read)),
        Stats.Median(runs.Select(static r => r.Consume.MessagesPerSecond)),
        Stats.Median(runs.Select(static r => r.Consume.CpuMsPerMillion)),
        Stats.Median(runs.Select(static r => r.Memory.HeapBytesPerMessage)));
}

/// <summary>Simulator over mock in one round at one acks level.</summary>
internal sealed record PairRatio(AcksLevel Level, int Round, double Produce, double ProduceCpu, double Consume, double ConsumeCpu)
{
    /// <summary>The ratios of a round, or null when it lacks one of the two targets.</summary>
    public static PairRatio? Of(AcksLevel level, int round, IReadOnlyCollection<RunResult> runs)
    {
        var simulator = runs.FirstOrDefault(static r => r.Target == TargetKind.Simulator);
        var mock = runs.FirstOrDefault(static r => r.Target == TargetKind.Mock);
        if (simulator is null || mock is null)
        {
            return null;
        }

        return new PairRatio(
            level,
            round,
            simulator.Produce.MessagesPerSecond / mock.Produce.MessagesPerSecond,
            simulator.Produce.CpuMsPerMillion / mock.Produce.CpuMsPerMillion,
            simulator.Consume.MessagesPerSecond / mock.Consume.MessagesPerSecond,
            simulator.Consume.CpuMsPerMillion / mock.Consume.CpuMsPerMillion);
    }
}
