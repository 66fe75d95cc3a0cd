namespace ReliableKafka.Cli.Bench;

/// <summary>The rows of the results table, as text, shared by the console and the HTML page.</summary>
internal static class BenchTable
{
    /// <summary>How many leading columns hold words; the others hold numbers.</summary>
    public const int TextColumns = 2;

    public static readonly IReadOnlyList<string> Headers = ["Profile", "acks", "linger.ms", "msg/s", "MB/s", "p50 ms", "p99 ms", "max ms", "delivered", "failed"];

    public static IEnumerable<string[]> Rows(BenchReport report) => report.Results.Select(r => new[]
    {
        r.Profile.ToString(),
        r.Acks == "0" ? "0 (hand-off)" : r.Acks,
        r.Defaults["linger.ms"],
        BenchFormat.Rate(r.MessagesPerSecond),
        BenchFormat.Megabytes(r.MegabytesPerSecond(report.Workload.MessageBytes)),
        BenchFormat.Ms(r.P50),
        BenchFormat.Ms(r.P99),
        BenchFormat.Ms(r.Max),
        BenchFormat.Int(r.Delivered),
        BenchFormat.Int(r.Failures),
    });
}
