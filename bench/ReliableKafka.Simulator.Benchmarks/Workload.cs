using System.Buffers.Binary;
using Confluent.Kafka;

namespace ReliableKafka.Simulator.Benchmarks;

/// <summary>The producer's durability setting under test.</summary>
internal enum AcksLevel
{
    /// <summary>acks=1: the leader's append is enough.</summary>
    Leader,

    /// <summary>acks=all: the in-sync replicas must have the batch.</summary>
    All,

    /// <summary>acks=all with enable.idempotence=true.</summary>
    Idempotent,
}

/// <summary>Where the messages go.</summary>
internal enum TargetKind
{
    /// <summary>ReliableKafka's simulated cluster, in-process, over 127.0.0.1 sockets.</summary>
    Simulator,

    /// <summary>librdkafka's mock cluster (test.mock.num.brokers=3), in-process, over 127.0.0.1 sockets.</summary>
    Mock,
}

internal static class Names
{
    public static string Label(this AcksLevel level) => level switch
    {
        AcksLevel.Leader => "acks=1",
        AcksLevel.All => "acks=all",
        _ => "acks=all+idempotence",
    };

    public static string Id(this AcksLevel level) => level switch
    {
        AcksLevel.Leader => "acks1",
        AcksLevel.All => "acksall",
        _ => "idempotent",
    };

    public static string Label(this TargetKind target) => target == TargetKind.Simulator ? "simulator" : "mock";
}

/// <summary>
/// The messages of every run: 8-byte keys cycling over <see cref="KeyCount"/> and one 100-byte random value, the same
/// bytes every time. Each message names its partition, key index mod 3, because the mock auto-creates topics with 4
/// partitions and only 3 are wanted. The producer settings live here too, so both targets get exactly the same client
/// configuration apart from where it connects.
/// </summary>
internal sealed class Workload
{
    public const int KeyCount = 1024;
    public const int ValueSize = 100;
    public const int LingerMs = 5;
    public const string DeliveryReportFields = "status";
    public const string ConsumeResultFields = "none";

    /// <summary>
    /// fetch.queue.backoff.ms for the reader. librdkafka's default, 1000 ms, pauses fetching for a second whenever the
    /// reader has 100,000 messages (queued.min.messages) queued; the reader drains them in a fraction of that second and
    /// then idles, so the read rate would measure that timer, not the cluster.
    /// </summary>
    public const int FetchQueueBackoffMs = 10;

    private readonly byte[][] _keys;

    public Workload(int seed)
    {
        _keys = new byte[KeyCount][];
        for (var i = 0; i < _keys.Length; i++)
        {
            _keys[i] = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(_keys[i], 0x0B00_0000_0000L + i);
        }

        Value = new byte[ValueSize];
        new Random(seed).NextBytes(Value);
    }

    public byte[] Value { get; }

    public byte[] Key(int i) => _keys[i & (KeyCount - 1)];

    /// <summary>The partition of message <paramref name="i"/>: its key's index mod the partition count.</summary>
    public static int PartitionOf(int i) => (i & (KeyCount - 1)) % Target.Partitions;

    /// <summary>The producer configuration for <paramref name="level"/>; the target adds where to connect.</summary>
    public static ProducerConfig ProducerConfig(AcksLevel level, BenchOptions options)
    {
        var config = new ProducerConfig
        {
            Acks = level == AcksLevel.Leader ? Acks.Leader : Acks.All,
            EnableIdempotence = level == AcksLevel.Idempotent,
            LingerMs = LingerMs,
            CompressionType = CompressionType.None,

            // The harness keeps at most `window` messages unreported; leave librdkafka's queue room above that.
            QueueBufferingMaxMessages = Math.Max(100_000, options.Window * 2),
        };
        if (options.BatchSize is { } size)
        {
            config.BatchSize = size;
        }

        config.Set("dotnet.producer.delivery.report.fields", DeliveryReportFields);
        foreach (var (key, value) in options.ProducerSettings)
        {
            config.Set(key, value);
        }

        return config;
    }

    /// <summary>
    /// A plain reader: partitions are assigned, nothing is committed; fetch settings are librdkafka's defaults except
    /// <see cref="FetchQueueBackoffMs"/>.
    /// </summary>
    public static ConsumerConfig ConsumerConfig(string bootstrapServers, string topic, BenchOptions options)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "bench-reader-" + topic,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,
            ConsumeResultFields = ConsumeResultFields,
            FetchQueueBackoffMs = FetchQueueBackoffMs,
        };
        foreach (var (key, value) in options.ConsumerSettings)
        {
            config.Set(key, value);
        }

        return config;
    }
}
