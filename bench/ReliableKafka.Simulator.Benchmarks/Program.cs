using System.Globalization;

namespace ReliableKafka.Simulator.Benchmarks;

/// <summary>
/// Plain benchmark of the simulated cluster against librdkafka's mock cluster: the same Confluent producer (acks=1,
/// acks=all, acks=all with idempotence) and a reader, both clusters in-process with 3 brokers, paired rounds.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        BenchHost.MainAsync(args, BenchOptions.Parse, BenchOptions.Usage, static o => o.Help, async o =>
        {
            await RunAsync(o).ConfigureAwait(false);
            return 0;
        });

    private static async Task RunAsync(BenchOptions options)
    {
        if (options.TransactionSizes.Count > 0)
        {
            await TransactionBench.RunAsync(options).ConfigureAwait(false);
            return;
        }

        var runId = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HHmmss}-{Environment.ProcessId}");
        var workload = new Workload(seed: 20261127);
        var environment = DescribeEnvironment(options);
        foreach (var line in environment)
        {
            Console.Error.WriteLine(line);
        }

        Console.Error.WriteLine();
        var warmups = new List<RunResult>();
        foreach (var level in options.Levels)
        {
            foreach (var target in options.Targets)
            {
                var warm = await Runner.MeasureAsync(target, level, 0, 0, Topic(runId, level, target, "warmup"), options.Warmup, workload, options).ConfigureAwait(false);
                Progress("warm-up", warm);
                warmups.Add(warm);
            }
        }

        var runs = new List<RunResult>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            for (var l = 0; l < options.Levels.Count; l++)
            {
                var level = options.Levels[l];

                // Alternate who goes first: between rounds, and between acks levels within a round.
                var order = (round + l) % 2 == 1 ? options.Targets : options.Targets.Reverse().ToArray();
                for (var i = 0; i < order.Count; i++)
                {
                    var target = order[i];
                    var result = await Runner.MeasureAsync(target, level, round, i + 1, Topic(runId, level, target, $"r{round}"), options.Messages, workload, options).ConfigureAwait(false);
                    Progress($"round {round}/{options.Rounds}", result);
                    runs.Add(result);
                }
            }
        }

        var report = new BenchReport
        {
            Options = options,
            Environment = environment,
            Warmups = warmups,
            Runs = runs,
            TopicNotes = runs.GroupBy(static r => r.Target).ToDictionary(static g => g.Key, static g => g.First().TopicNote),
        };

        Console.WriteLine(report.ToText());
        if (options.JsonPath is { } jsonPath)
        {
            BenchReportJson.Write(jsonPath, report);
            Console.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
        }
    }

    private static string Topic(string runId, AcksLevel level, TargetKind target, string phase) =>
        $"bench-{runId}-{phase}-{level.Id()}-{target.Label()}";

    private static void Progress(string phase, RunResult r) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase,-11} {r.Level.Label(),-20} {r.Target.Label(),-9} produce {r.Produce.Messages,9:N0} msg {r.Produce.Seconds,7:0.000} s {r.Produce.MessagesPerSecond,10:N0} msg/s {r.Produce.CpuMsPerMillion,6:N0} CPU ms/M  heap {r.Memory.HeapBytesPerMessage,6:0.0} B/msg  read {r.Consume.Read,9:N0} msg {r.Consume.Seconds,7:0.000} s {r.Consume.MessagesPerSecond,10:N0} msg/s  client errors {r.ClientErrors}"));

    /// <summary>The --producer or --consumer settings, which override the ones listed before them.</summary>
    private static string Settings(IReadOnlyDictionary<string, string> settings) =>
        settings.Count == 0 ? "" : "; then, from the command line: " + string.Join(", ", settings.Select(static p => $"{p.Key}={p.Value}"));

    private static List<string> DescribeEnvironment(BenchOptions options)
    {
        var config = Workload.ProducerConfig(AcksLevel.All, options);
        return
        [
            "ReliableKafka simulator benchmark: SimulatedCluster vs librdkafka's mock cluster (plain harness, Release build expected)",
            BenchHost.Runtime,
            string.Create(CultureInfo.InvariantCulture,
                $"  both in-process, {Target.Brokers} brokers on 127.0.0.1, a fresh cluster and topic per run ({Target.Partitions} partitions, RF {Target.ReplicationFactor}; min.insync.replicas {Target.MinInSyncReplicas} on the simulator); one primed message per partition before timing"),
            string.Create(CultureInfo.InvariantCulture,
                $"  producer: Produce with one cached delivery handler counting reports, at most {options.Window:N0} unreported; {Workload.ValueSize}-byte values, 8-byte keys cycling over {Workload.KeyCount}, partition = key index mod {Target.Partitions} (set explicitly); linger.ms {Workload.LingerMs}, batch.size {(options.BatchSize is { } b ? b.ToString("N0", CultureInfo.InvariantCulture) : "librdkafka default")}, compression none, queue.buffering.max.messages {config.QueueBufferingMaxMessages:N0}, dotnet.producer.delivery.report.fields={Workload.DeliveryReportFields}{Settings(options.ProducerSettings)}"),
            $"  reader: a fresh consumer, every partition assigned from the beginning (no group join, no commits), fetch settings librdkafka's defaults but fetch.queue.backoff.ms={Workload.FetchQueueBackoffMs} (default 1000: the reader would idle a second whenever 100,000 messages are queued), dotnet.consumer.consume.result.fields={Workload.ConsumeResultFields}{Settings(options.ConsumerSettings)}; it checks the count and that offsets follow without gaps",
            string.Create(CultureInfo.InvariantCulture,
                $"  {options.Messages:N0} messages per run; acks levels {string.Join(", ", options.Levels.Select(static l => l.Label()))}; {options.Rounds} rounds, order alternating; warm-up {options.Warmup:N0} messages per target and level, once"),
            "  CPU = process TotalProcessorTime delta (client, cluster and harness share the process); alloc = GC.GetTotalAllocatedBytes delta; heap = GC.GetTotalMemory(true) after producing minus before, per message",
        ];
    }
}
