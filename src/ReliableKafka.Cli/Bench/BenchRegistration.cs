using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Bench;

/// <summary>Adds <c>rk bench</c> to rk's command line.</summary>
internal static class BenchRegistration
{
    public static void AddBench(this IConfigurator config) =>
        config.AddCommand<BenchCommand>("bench")
            .WithDescription("Throughput and p50/p99 latency of each reliability profile, side by side, against an embedded simulator (replication and response delays set, so acks=0 < acks=1 < acks=all as on a network) or a real cluster. Exit 0 ran, 1 the embedded simulator did not give that order, 2 bad input or unreachable cluster.")
            .WithExample("bench")
            .WithExample("bench", "--messages", "50000", "--rounds", "3", "--html", "bench.html")
            .WithExample("bench", "--bootstrap-servers", "127.0.0.1:19092", "--topic", "rk-bench", "--json");
}
