namespace ReliableKafka.Cli.Bench;

/// <summary>What <c>rk bench</c> publishes in each run of a profile.</summary>
/// <param name="Messages">Messages per profile and round, or null when the run is timed.</param>
/// <param name="DurationSeconds">Seconds per profile and round, or null when a count is given.</param>
/// <param name="MessageBytes">Bytes of each value (random, so compression cannot shrink them).</param>
/// <param name="Rate">Messages per second offered, or null for as fast as the client takes them.</param>
/// <param name="Rounds">How many times each profile runs; results are medians over rounds.</param>
/// <param name="MaxInFlight">Messages without an outcome at most, so the client's queue never fills.</param>
/// <param name="Warmup">Messages published and awaited before each measured run (connections, metadata), not counted.</param>
internal sealed record BenchWorkload(int? Messages, int? DurationSeconds, int MessageBytes, int? Rate, int Rounds, int MaxInFlight, int Warmup);

/// <summary>The cluster measured.</summary>
/// <param name="Embedded">True for the in-process simulator rk bench started itself.</param>
/// <param name="BootstrapServers">Where the producers connected.</param>
/// <param name="Brokers">Live brokers.</param>
/// <param name="Topic">The topic written to.</param>
/// <param name="Partitions">Its partitions.</param>
/// <param name="ReplicationFactor">Its replication factor.</param>
/// <param name="MinInsyncReplicas">Its min.insync.replicas, or null when the cluster did not say.</param>
/// <param name="TopicCreated">True when rk bench created the topic.</param>
/// <param name="Simulation">The delays set on the embedded simulator, or null for a real cluster.</param>
internal sealed record BenchTarget(
    bool Embedded,
    string BootstrapServers,
    int Brokers,
    string Topic,
    int Partitions,
    int ReplicationFactor,
    int? MinInsyncReplicas,
    bool TopicCreated,
    SimulatedDelays? Simulation);

/// <summary>The delays rk bench sets on the embedded simulator.</summary>
/// <param name="ReplicationDelayMs">Every follower copies only batches at least this old.</param>
/// <param name="NetworkDelayMs">Every broker response waits this long.</param>
internal sealed record SimulatedDelays(int ReplicationDelayMs, int NetworkDelayMs);

/// <summary>Latency percentiles in milliseconds (nearest rank), or NaN when nothing was delivered.</summary>
internal sealed record LatencySummary(double P50, double P99, double Max)
{
    public static readonly LatencySummary None = new(double.NaN, double.NaN, double.NaN);

    /// <summary>The summary of <paramref name="sorted"/>, which must be in ascending order.</summary>
    public static LatencySummary Of(double[] sorted) =>
        sorted.Length == 0 ? None : new(Percentile(sorted, 50), Percentile(sorted, 99), sorted[^1]);

    /// <summary>The nearest-rank percentile: the smallest value with at least <paramref name="percent"/>% of values at or below it.</summary>
    public static double Percentile(double[] sorted, double percent)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>One measured run of one profile.</summary>
/// <param name="Published">Messages handed to the producer.</param>
/// <param name="Delivered">Messages with a Delivered outcome.</param>
/// <param name="Failures">Messages with a Failed outcome.</param>
/// <param name="FirstFailure">The first failed outcome, in words, or null.</param>
/// <param name="Seconds">From the first publish to the last outcome.</param>
/// <param name="Latency">Publish-to-outcome latency of the delivered messages.</param>
internal sealed record ProfileRound(int Published, int Delivered, int Failures, string? FirstFailure, double Seconds, LatencySummary Latency)
{
    public double MessagesPerSecond => Seconds > 0 ? Delivered / Seconds : double.NaN;

    public double MegabytesPerSecond(int messageBytes) => MessagesPerSecond * messageBytes / 1_000_000;
}

/// <summary>Every round of one profile and the medians over them.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Rounds">Its rounds, in the order they ran.</param>
internal sealed record ProfileResult(ReliabilityProfile Profile, IReadOnlyList<ProfileRound> Rounds)
{
    public IReadOnlyDictionary<string, string> Defaults => ReliabilityProfiles.GetDefaults(Profile);

    public string Acks => Defaults["acks"];

    public int Published => Rounds.Sum(static r => r.Published);

    public int Delivered => Rounds.Sum(static r => r.Delivered);

    public int Failures => Rounds.Sum(static r => r.Failures);

    public string? FirstFailure => Rounds.Select(static r => r.FirstFailure).FirstOrDefault(static f => f is not null);

    public double MessagesPerSecond => Median(Rounds.Select(static r => r.MessagesPerSecond));

    public double MegabytesPerSecond(int messageBytes) => Median(Rounds.Select(r => r.MegabytesPerSecond(messageBytes)));

    public double P50 => Median(Rounds.Select(static r => r.Latency.P50));

    public double P99 => Median(Rounds.Select(static r => r.Latency.P99));

    /// <summary>The largest latency of any round.</summary>
    public double Max => Rounds.Select(static r => r.Latency.Max).Where(static v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Max();

    /// <summary>The median, ignoring NaN; NaN when nothing is left.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(static v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>Whether p50 latency follows acks=0 &lt; acks=1 &lt; acks=all over the profiles measured.</summary>
/// <param name="Checked">False when fewer than two profiles ran, or one delivered nothing.</param>
/// <param name="Holds">True when every profile with stronger acks has a higher p50 than every weaker one.</param>
/// <param name="Enforced">True when a broken shape fails the run (exit 1): the embedded simulator, unpaced.</param>
/// <param name="Order">The profiles as measured, fastest p50 first, for example "Metrics (acks=0) 2.1 ms &lt; ...".</param>
internal sealed record ShapeVerdict(bool Checked, bool Holds, bool Enforced, string Order)
{
    public const string Expected = "acks=0 < acks=1 < acks=all (p50 latency)";

    public bool Fails => Checked && Enforced && !Holds;

    public static ShapeVerdict Judge(IReadOnlyList<ProfileResult> results, bool enforced)
    {
        var byAcks = results.OrderBy(static r => AcksRank(r.Acks)).ToList();
        var order = string.Join(" < ", results.Where(static r => !double.IsNaN(r.P50)).OrderBy(static r => r.P50)
            .Select(static r => $"{r.Profile} (acks={r.Acks}) {BenchFormat.Ms(r.P50)} ms"));
        if (byAcks.Count < 2 || byAcks.Any(static r => double.IsNaN(r.P50)))
        {
            return new ShapeVerdict(false, false, enforced, order);
        }

        var holds = true;
        for (var i = 1; i < byAcks.Count; i++)
        {
            holds &= byAcks[i - 1].P50 < byAcks[i].P50;
        }

        return new ShapeVerdict(true, holds, enforced, order);
    }

    private static int AcksRank(string acks) => acks switch
    {
        "0" => 0,
        "1" => 1,
        _ => 2,
    };
}

/// <summary>Everything one <c>rk bench</c> run measured.</summary>
internal sealed record BenchReport(BenchTarget Target, BenchWorkload Workload, IReadOnlyList<ProfileResult> Results, ShapeVerdict Shape)
{
    /// <summary>0 when it ran; 1 when the embedded simulator did not give acks=0 &lt; acks=1 &lt; acks=all.</summary>
    public int ExitCode => Shape.Fails ? 1 : 0;
}
