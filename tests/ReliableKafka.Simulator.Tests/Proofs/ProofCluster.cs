using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Faults;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Proofs;

/// <summary>
/// An in-process cluster of three brokers with one topic, its faults applied with <see cref="SimulatedCluster.Apply"/>
/// and its ground truth read as typed events. The proofs run real clients against it over sockets.
/// </summary>
internal sealed class ProofCluster : IAsyncDisposable
{
    private ProofCluster(SimulatedCluster cluster, string topic)
    {
        Cluster = cluster;
        Topic = topic;
    }

    public SimulatedCluster Cluster { get; }

    public string Topic { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    public IEnumerable<int> BrokerIds => Cluster.BrokerIds;

    /// <summary>Starts three brokers on free ports with one topic.</summary>
    public static ProofCluster Start(string topic, TopicSettings settings, TimeSpan? replicaLagTimeMax = null)
    {
        var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { ReplicaLagTimeMax = replicaLagTimeMax ?? TimeSpan.FromSeconds(30) });
        cluster.CreateTopic(topic, settings);
        return new ProofCluster(cluster, topic);
    }

    public FaultHandle Apply(Fault fault) => Cluster.Apply(fault);

    public void Crash(int broker) => Apply(new CrashBroker(broker));

    public void Restart(int broker) => Apply(new RestartBroker(broker));

    /// <summary>Stops one follower's replication of partition 0 of the topic; removing the handle restarts it.</summary>
    public FaultHandle StopFollower(int broker) => Apply(new LagFollower(broker, Topic, Stop: true));

    /// <summary>Partition 0 of the topic, as the cluster describes it.</summary>
    public PartitionSnapshot Partition() => Cluster.Describe().Topics.Single(t => t.Name == Topic).Partitions[0];

    /// <summary>The leader's log end offset of partition 0.</summary>
    public long LogEndOffset() => Partition() is var p && p.Leader >= 0 ? p.LogEndOffsets[p.Leader] : -1;

    /// <summary>The ground-truth events of the topic, optionally of one kind.</summary>
    public IReadOnlyList<TruthEvent> Events(TruthEventKind? kind = null) =>
        [.. Cluster.Truth.Events.Where(e => (e.Topic == Topic || e.Topic is null) && (kind is null || e.Kind == kind))];

    /// <summary>Waits until <paramref name="condition"/> holds, or fails after <paramref name="timeout"/>.</summary>
    public async Task<PartitionSnapshot> WaitForAsync(Func<PartitionSnapshot, bool> condition, TimeSpan timeout, string what)
    {
        await WaitUntilAsync(() => condition(Partition()), timeout, what);
        return Partition();
    }

    /// <summary>Waits until <paramref name="condition"/> holds, or fails after <paramref name="timeout"/>.</summary>
    public Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        Eventually.WaitUntilAsync(condition, timeout, what, () => $"partition: leader {Partition().Leader}, ISR {{{string.Join(",", Partition().Isr)}}}, HW {Partition().HighWatermark}");

    public IProducer<string, string> Producer(Acks acks, bool idempotence, int maxInFlight = 5, int messageTimeoutMs = 30000) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            ClientId = "proof-producer",
            Acks = acks,
            EnableIdempotence = idempotence,
            MaxInFlight = maxInFlight,
            LingerMs = 0,
            RequestTimeoutMs = 1000,
            SocketTimeoutMs = 1000,
            MessageTimeoutMs = messageTimeoutMs,
            RetryBackoffMs = 50,
            TopicMetadataRefreshIntervalMs = 500,
        }).SetLogHandler(static (_, _) => { }).Build();

    /// <summary>Reads partition 0 from the start up to its high watermark: (offset, value) in log order.</summary>
    public List<(long Offset, string Value)> Drain()
    {
        var end = Partition().HighWatermark;
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = "proof-drain", EnablePartitionEof = true })
            .SetLogHandler(static (_, _) => { }).Build();
        consumer.Assign(new TopicPartitionOffset(Topic, 0, Offset.Beginning));
        var records = new List<(long, string)>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is { IsPartitionEOF: true } && record.Offset.Value >= end)
            {
                break;
            }

            if (record is { IsPartitionEOF: false })
            {
                records.Add((record.Offset.Value, record.Message.Value));
            }
        }

        return records;
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
