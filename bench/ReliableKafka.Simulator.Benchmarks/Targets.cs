using System.Globalization;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Benchmarks;

/// <summary>
/// The cluster of one run, fresh for every run: the producer connected to it, the topic under test and where a reader
/// connects. Disposing it disposes the producer and then the cluster.
/// </summary>
internal abstract class Target : IAsyncDisposable
{
    public const int Brokers = 3;
    public const int Partitions = 3;
    public const int ReplicationFactor = 3;
    public const int MinInSyncReplicas = 2;

    protected Target(string topic, IProducer<byte[], byte[]> producer)
    {
        Topic = topic;
        Producer = producer;
    }

    public abstract TargetKind Kind { get; }

    public string Topic { get; }

    public IProducer<byte[], byte[]> Producer { get; }

    /// <summary>bootstrap.servers for a reader.</summary>
    public abstract string ConsumerBootstrap { get; }

    /// <summary>The topic's partition count as the cluster reports it.</summary>
    public abstract int TopicPartitions { get; }

    /// <summary>The replicas per partition as the cluster reports them in metadata.</summary>
    public abstract int TopicReplicas { get; }

    /// <summary>How the topic came to be, in words.</summary>
    public abstract string TopicNote { get; }

    /// <summary>Starts a fresh cluster of <paramref name="kind"/> with <paramref name="topic"/> and a producer built from <paramref name="config"/>.</summary>
    public static Target Start(TargetKind kind, string topic, ProducerConfig config, ClientErrors errors) =>
        kind == TargetKind.Simulator ? SimulatorTarget.Start(topic, config, errors) : MockTarget.Start(topic, config, errors);

    /// <summary>
    /// After producing: waits (up to <paramref name="timeout"/>) until every replica holds the whole log, and returns
    /// whether it did, or null when the cluster does not replicate.
    /// </summary>
    public virtual bool? WaitForReplicas(TimeSpan timeout) => null;

    /// <summary>Batches appended by leaders and ground-truth events recorded so far, or null when not known.</summary>
    public virtual (long Batches, long Events)? Bookkeeping() => null;

    public async ValueTask DisposeAsync()
    {
        Producer.Dispose();
        await DisposeClusterAsync().ConfigureAwait(false);
    }

    protected abstract ValueTask DisposeClusterAsync();
}

/// <summary>ReliableKafka's <see cref="SimulatedCluster"/>: 3 brokers, the topic created with 3 partitions, RF 3, min.insync.replicas 2.</summary>
internal sealed class SimulatorTarget : Target
{
    private readonly SimulatedCluster _cluster;

    private SimulatorTarget(string topic, IProducer<byte[], byte[]> producer, SimulatedCluster cluster)
        : base(topic, producer) => _cluster = cluster;

    public override TargetKind Kind => TargetKind.Simulator;

    public override string ConsumerBootstrap => _cluster.BootstrapServers;

    public override int TopicPartitions => Snapshot().Partitions.Count;

    public override int TopicReplicas => Snapshot().Partitions.Max(static p => p.Replicas.Count);

    public override string TopicNote
    {
        get
        {
            var topic = Snapshot();
            return string.Create(CultureInfo.InvariantCulture,
                $"created with SimulatedCluster.CreateTopic: {topic.Partitions.Count} partitions, replicas {string.Join(" ", topic.Partitions.Select(static p => "[" + string.Join(",", p.Replicas) + "]"))}, min.insync.replicas {topic.Settings.MinInSyncReplicas}; followers copy every batch from the leader; acks=all waits for the ISR");
        }
    }

    public static SimulatorTarget Start(string topic, ProducerConfig config, ClientErrors errors)
    {
        var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = Brokers });
        try
        {
            cluster.CreateTopic(topic, new TopicSettings(Partitions, ReplicationFactor, MinInSyncReplicas));
            config.BootstrapServers = cluster.BootstrapServers;
            return new SimulatorTarget(topic, Clients.Producer(config, errors), cluster);
        }
        catch
        {
            cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public override bool? WaitForReplicas(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var topic = Snapshot();
            if (topic.Partitions.All(static p => p.Isr.Count == p.Replicas.Count && p.LogEndOffsets.Values.All(leo => leo == p.HighWatermark)))
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            Thread.Sleep(5);
        }
    }

    public override (long Batches, long Events)? Bookkeeping()
    {
        var events = _cluster.Truth.Events;
        var batches = events.LongCount(e => e.Kind == TruthEventKind.Appended && string.Equals(e.Topic, Topic, StringComparison.Ordinal));
        return (batches, events.Count);
    }

    protected override ValueTask DisposeClusterAsync() => _cluster.DisposeAsync();

    private TopicSnapshot Snapshot() => _cluster.Describe().Topics.Single(t => string.Equals(t.Name, Topic, StringComparison.Ordinal));
}

/// <summary>
/// librdkafka's mock cluster, created by the producer itself (test.mock.num.brokers=3; bootstrap.servers is then
/// ignored). It lives as long as that producer; a reader connects to its brokers' real 127.0.0.1 ports, read from
/// metadata.
/// </summary>
internal sealed class MockTarget : Target
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(15);

    private MockTarget(string topic, IProducer<byte[], byte[]> producer, string consumerBootstrap, int partitions, int replicas, string note)
        : base(topic, producer)
    {
        ConsumerBootstrap = consumerBootstrap;
        TopicPartitions = partitions;
        TopicReplicas = replicas;
        TopicNote = note;
    }

    public override TargetKind Kind => TargetKind.Mock;

    public override string ConsumerBootstrap { get; }

    public override int TopicPartitions { get; }

    public override int TopicReplicas { get; }

    public override string TopicNote { get; }

    public static MockTarget Start(string topic, ProducerConfig config, ClientErrors errors)
    {
        config.BootstrapServers = "127.0.0.1:9092";
        config.Set("test.mock.num.brokers", Brokers.ToString(CultureInfo.InvariantCulture));
        config.Set("test.mock.broker.rtt", "0");
        var producer = Clients.Producer(config, errors);
        try
        {
            // The mock's CreateTopics cannot be reached: the admin client fails with "Failed while waiting for
            // controller" (the mock reports no controller). Asking for the topic's metadata auto-creates it.
            using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
            var metadata = admin.GetMetadata(topic, MetadataTimeout);
            var partitions = metadata.Topics.Single().Partitions;
            var bootstrap = string.Join(',', metadata.Brokers.OrderBy(static b => b.BrokerId).Select(static b => $"{b.Host}:{b.Port}"));
            var note = string.Create(CultureInfo.InvariantCulture,
                $"auto-created by a metadata request with the mock's defaults: {partitions.Count} partitions (the harness writes to the first {Partitions} only), replicas {string.Join(" ", partitions.OrderBy(static p => p.PartitionId).Select(static p => "[" + string.Join(",", p.Replicas) + "]"))} in metadata only (the mock keeps one log per partition, on the leader, and answers a produce request once it is appended, whatever the acks); it keeps at most 5 MiB or 100,000 batches per partition and drops the oldest batches beyond that");
            return new MockTarget(topic, producer, bootstrap, partitions.Count, partitions.Max(static p => p.Replicas.Length), note);
        }
        catch
        {
            producer.Dispose();
            throw;
        }
    }

    protected override ValueTask DisposeClusterAsync() => ValueTask.CompletedTask;
}
