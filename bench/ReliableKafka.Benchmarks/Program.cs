using System.Globalization;
using Confluent.Kafka;

namespace ReliableKafka.Benchmarks;

/// <summary>
/// Plain benchmark of the ReliableProducer against raw Confluent.Kafka, on librdkafka's in-process mock cluster.
/// A raw Produce, B Publish&lt;TState&gt;, C raw ProduceAsync awaited, D PublishAsync awaited; paired rounds.
/// </summary>
internal static class Program
{
    private const string DeliveryReportFields = "dotnet.producer.delivery.report.fields";

    private static readonly IReadOnlyDictionary<string, string> VariantNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["A"] = "raw Produce",
        ["B"] = "Publish<TState>",
        ["C"] = "raw ProduceAsync",
        ["D"] = "PublishAsync",
        ["E"] = "raw Produce, default DR fields",
    };

    public static Task<int> Main(string[] args) =>
        BenchHost.MainAsync(args, BenchOptions.Parse, BenchOptions.Usage, static o => o.Help, o => Task.FromResult(Run(o)));

    private static int Run(BenchOptions options)
    {
        var runId = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HHmmss}-{Environment.ProcessId}");
        var spillPath = Path.Combine(Path.GetTempPath(), $"reliablekafka-bench-{runId}.db");
        var workload = Workload.Create(seed: 20240917);
        var reliableOptions = new ReliableProducerOptions
        {
            Profile = ReliabilityProfile.Critical,
            BootstrapServers = "127.0.0.1:9092",
            Settings = { ["test.mock.num.brokers"] = "3" },
            DeadLetters = { SpillPath = spillPath, OpenSpill = ReliableKafka.DeadLetters.Sqlite.SqliteDeadLetterSpill.Open },
        };

        var rawErrors = new ClientErrors();
        var reliable = new ReliableProducer<byte[]?, byte[]?>(reliableOptions);
        IProducer<byte[]?, byte[]?>? raw = null;
        try
        {
            var configuration = reliable.Configuration;
            raw = BuildRaw(configuration, rawErrors);
            var variants = new Dictionary<string, Variant>(StringComparer.Ordinal)
            {
                ["A"] = new RawProduceVariant("A", VariantNames["A"], workload, raw, options.Window),
                ["B"] = new ReliablePublishVariant("B", VariantNames["B"], workload, reliable, options.Window),
                ["C"] = new RawProduceAsyncVariant("C", VariantNames["C"], workload, raw, options.InFlight),
                ["D"] = new ReliablePublishAsyncVariant("D", VariantNames["D"], workload, reliable, options.InFlight),
            };

            var environment = DescribeEnvironment(options, configuration);
            foreach (var line in environment)
            {
                Console.Error.WriteLine(line);
            }

            Console.Error.WriteLine();
            foreach (var (id, variant) in variants)
            {
                var count = id is "A" or "B" ? Math.Min(options.Warmup, options.Messages) : Math.Min(options.Warmup, options.AsyncMessages);
                var warm = Harness.Measure(variant, $"bench-{runId}-warmup-{id}", count, round: 0, order: 0);
                Progress("warm-up", warm);
                ThrowIfFailed(warm);
            }

            environment.Add("  " + DescribeTopic(raw, $"bench-{runId}-warmup-A"));

            var runs = new List<RunResult>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                var swap = round % 2 == 0;
                string[] order = swap ? ["B", "A", "D", "C"] : ["A", "B", "C", "D"];
                for (var i = 0; i < order.Length; i++)
                {
                    var id = order[i];
                    var count = id is "A" or "B" ? options.Messages : options.AsyncMessages;
                    var result = Harness.Measure(variants[id], $"bench-{runId}-r{round}-{id}", count, round, (i % 2) + 1);
                    Progress($"round {round}/{options.Rounds}", result);
                    runs.Add(result);
                }
            }

            var reference = MeasureReference(configuration, workload, options, runId);

            var report = new BenchReport
            {
                Options = options,
                Environment = environment,
                Configuration = configuration,
                VariantNames = VariantNames,
                Runs = runs,
                Reference = reference,
            };

            Console.WriteLine(report.ToText());
            if (rawErrors.Count > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"note: the raw producer reported {rawErrors.Count} client errors (last: {rawErrors.Last})"));
            }

            if (options.JsonPath is { } jsonPath)
            {
                report.WriteJson(jsonPath);
                Console.WriteLine($"JSON written to {Path.GetFullPath(jsonPath)}");
            }

            return report.TotalFailed > 0 ? 1 : 0;
        }
        finally
        {
            if (raw is not null)
            {
                raw.Flush(Variant.FlushTimeout);
                raw.Dispose();
            }

            reliable.Flush(Variant.FlushTimeout);
            reliable.DisposeAsync().AsTask().GetAwaiter().GetResult();
            DeleteSpill(spillPath);
        }
    }

    /// <summary>E: raw Produce with Confluent's default delivery report fields; one warm-up and one measured run.</summary>
    private static RunResult MeasureReference(IReadOnlyDictionary<string, string> configuration, Workload workload, BenchOptions options, string runId)
    {
        var withoutFields = configuration
            .Where(static p => !string.Equals(p.Key, DeliveryReportFields, StringComparison.Ordinal))
            .ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal);
        var errors = new ClientErrors();
        using var producer = BuildRaw(withoutFields, errors);
        try
        {
            var variant = new RawProduceVariant("E", VariantNames["E"], workload, producer, options.Window);
            var warm = Harness.Measure(variant, $"bench-{runId}-warmup-E", Math.Min(options.Warmup, options.Messages), round: 0, order: 0);
            Progress("warm-up", warm);
            ThrowIfFailed(warm);
            var result = Harness.Measure(variant, $"bench-{runId}-reference-E", options.Messages, round: 0, order: 1);
            Progress("reference", result);
            return result;
        }
        finally
        {
            producer.Flush(Variant.FlushTimeout);
        }
    }

    private static IProducer<byte[]?, byte[]?> BuildRaw(IReadOnlyDictionary<string, string> configuration, ClientErrors errors) =>
        new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig(configuration.ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal)))
            .SetKeySerializer(Serializers.ByteArray!)
            .SetValueSerializer(Serializers.ByteArray!)
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler((_, error) => errors.Add(error))
            .Build();

    private static List<string> DescribeEnvironment(BenchOptions options, IReadOnlyDictionary<string, string> configuration)
    {
        var settings = string.Join(", ", configuration.OrderBy(static p => p.Key, StringComparer.Ordinal).Select(static p => $"{p.Key}={p.Value}"));
        return
        [
            "ReliableKafka producer benchmark (plain harness, Release build expected)",
            BenchHost.Runtime,
            "  cluster: librdkafka in-process mock cluster (test.mock.num.brokers=3, one per client; bootstrap.servers ignored); a fresh topic per run, auto-created and primed with one uncounted message before timing",
            "  profile: Critical. The raw producers (A, C) use new ProducerConfig(reliableProducer.Configuration): exactly the ReliableProducer's effective librdkafka config:",
            "    " + settings,
            $"  E (reference, one run): raw Produce with the same config minus {DeliveryReportFields}, i.e. Confluent's default report fields (all)",
            string.Create(CultureInfo.InvariantCulture,
                $"  workload: {Workload.ValueSize}-byte value (same random bytes every message), 8-byte keys cycling over {Workload.KeyCount}, no headers; raw variants build a new Message per call"),
            string.Create(CultureInfo.InvariantCulture,
                $"  A/B: {options.Messages:N0} messages per run, one cached handler / static callback counting with Interlocked; at most {options.Window:N0} unreported (the loop sleeps 1 ms while the window is full; librdkafka's queue holds 100,000)"),
            string.Create(CultureInfo.InvariantCulture,
                $"  C/D: {options.AsyncMessages:N0} messages per run, {options.InFlight:N0} in flight: SemaphoreSlim(N) awaited before each send, released after the send's awaited task"),
            string.Create(CultureInfo.InvariantCulture,
                $"  rounds: {options.Rounds}, paired, order alternating (A,B then B,A; C,D then D,C); warm-up: {options.Warmup:N0} messages per variant, once"),
            "  wall = first hand-over to last delivery report (Flush, then wait for the count); CPU = process TotalProcessorTime delta (client, in-process mock brokers and harness); alloc = GC.GetTotalAllocatedBytes(true) delta",
            "  GC 0/1/2 = collections during the run; GC pause = GC.GetTotalPauseDuration delta; lock cont. = Monitor.LockContentionCount delta; B/A and D/C ratios are taken within each round, then the median",
        ];
    }

    private static string DescribeTopic(IProducer<byte[]?, byte[]?> producer, string topic)
    {
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        var partitions = metadata.Topics.Single().Partitions;
        return string.Create(CultureInfo.InvariantCulture,
            $"  topics as auto-created by the mock cluster: {partitions.Count} partitions, replication factor {partitions.Max(static p => p.Replicas.Length)}, brokers {metadata.Brokers.Count}");
    }

    private static void Progress(string phase, RunResult r) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase,-12} {r.Variant} {VariantNames[r.Variant],-31} {r.Messages,10:N0} msg  {r.WallSeconds,7:0.000} s  {r.MessagesPerSecond,10:N0} msg/s  {r.CpuMsPerMillion,8:N0} CPU ms/M  {r.AllocatedBytesPerMessage,7:0.0} B/msg  failed {r.Failed:N0}"));

    private static void ThrowIfFailed(RunResult r)
    {
        if (r.Failed > 0)
        {
            throw new InvalidOperationException($"{r.Failed:N0} deliveries of {r.Variant} failed in {r.Topic}; first: {r.FirstError}");
        }
    }

    private static void DeleteSpill(string spillPath)
    {
        foreach (var path in new[] { spillPath, spillPath + "-wal", spillPath + "-shm", spillPath + "-journal" })
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Best effort: a temp file.
            }
        }
    }
}
