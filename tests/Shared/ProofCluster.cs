using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Faults;

namespace ReliableKafka.Testing;

/// <summary>
/// An in-process cluster of three brokers with its topics, its faults applied with <see cref="SimulatedCluster.Apply"/>
/// and its ground truth read as typed events. Tests run real clients (and rk's commands) against it over sockets; with
/// <see cref="ServeControlAsync"/> it also serves its control API, as <c>rk cluster</c> does.
/// </summary>
internal sealed class ProofCluster : IAsyncDisposable
{
    private SimulatorControlServer? _control;

    private ProofCluster(SimulatedCluster cluster, string? topic)
    {
        Cluster = cluster;
        Topic = topic;
    }

    public SimulatedCluster Cluster { get; }

    /// <summary>The first topic created at start (the default of the methods that take a topic), or null.</summary>
    public string? Topic { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    public IEnumerable<int> BrokerIds => Cluster.BrokerIds;

    /// <summary>The control API's base address, such as http://127.0.0.1:41234, once <see cref="ServeControlAsync"/> started it.</summary>
    public string Control => _control?.Address.GetLeftPart(UriPartial.Authority)
        ?? throw new InvalidOperationException("The control API is not served: call ServeControlAsync first.");

    /// <summary>Starts three brokers on free ports with one topic.</summary>
    public static ProofCluster Start(string topic, TopicSettings settings, TimeSpan? replicaLagTimeMax = null) =>
        Start(new SimulatedClusterOptions { ReplicaLagTimeMax = replicaLagTimeMax ?? TimeSpan.FromSeconds(30) }, (topic, settings));

    /// <summary>Starts brokers with <paramref name="options"/> and creates <paramref name="topics"/>.</summary>
    public static ProofCluster Start(SimulatedClusterOptions options, params (string Name, TopicSettings Settings)[] topics)
    {
        var cluster = SimulatedCluster.Start(options);
        foreach (var (name, settings) in topics)
        {
            cluster.CreateTopic(name, settings);
        }

        return new ProofCluster(cluster, topics.Length > 0 ? topics[0].Name : null);
    }

    /// <summary>Serves the cluster's control API on a free port of 127.0.0.1 (see <see cref="Control"/>).</summary>
    public async Task<ProofCluster> ServeControlAsync()
    {
        _control ??= await SimulatorControlServer.StartAsync(Cluster, "127.0.0.1", 0);
        return this;
    }

    public FaultHandle Apply(Fault fault) => Cluster.Apply(fault);

    public void Crash(int broker) => Apply(new CrashBroker(broker));

    public void Restart(int broker) => Apply(new RestartBroker(broker));

    /// <summary>Stops one follower's replication of a partition; removing the handle restarts it.</summary>
    public FaultHandle StopFollower(int broker, string? topic = null, int partition = 0) => Apply(new LagFollower(broker, Name(topic), partition, Stop: true));

    /// <summary>A partition, as the cluster describes it.</summary>
    public PartitionSnapshot Partition(string? topic = null, int partition = 0) =>
        Cluster.Describe().Topics.Single(t => t.Name == Name(topic)).Partitions[partition];

    /// <summary>The leader's log end offset of a partition.</summary>
    public long LogEndOffset(string? topic = null, int partition = 0) => Partition(topic, partition) is var p && p.Leader >= 0 ? p.LogEndOffsets[p.Leader] : -1;

    /// <summary>The ground-truth events of the default topic (and cluster-wide ones), optionally of one kind.</summary>
    public IReadOnlyList<TruthEvent> Events(TruthEventKind? kind = null) =>
        [.. Cluster.Truth.Events.Where(e => (e.Topic == Topic || e.Topic is null) && (kind is null || e.Kind == kind))];

    /// <summary>Waits until <paramref name="condition"/> holds for a partition, or fails after <paramref name="timeout"/>.</summary>
    public async Task<PartitionSnapshot> WaitForAsync(Func<PartitionSnapshot, bool> condition, TimeSpan timeout, string what, string? topic = null, int partition = 0)
    {
        await WaitUntilAsync(() => condition(Partition(topic, partition)), timeout, what, topic, partition);
        return Partition(topic, partition);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, or fails after <paramref name="timeout"/> with the partition's state.</summary>
    public Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, string? topic = null, int partition = 0) =>
        Eventually.WaitUntilAsync(condition, timeout, what, () => Partition(topic, partition) is var p
            ? $"partition: leader {p.Leader}, ISR {{{string.Join(",", p.Isr)}}}, HW {p.HighWatermark}"
            : string.Empty);

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

    /// <summary>Reads a partition from the start to its high watermark: (offset, value) in log order.</summary>
    public List<(long Offset, string Value)> Drain(string? topic = null, int partition = 0) =>
        [.. TopicReader.ReadPartition(BootstrapServers, Name(topic), partition).Select(static r => (r.Offset, r.Value))];

    public async ValueTask DisposeAsync()
    {
        if (_control is not null)
        {
            await _control.DisposeAsync();
        }

        await Cluster.DisposeAsync();
    }

    private string Name(string? topic) => topic ?? Topic ?? throw new InvalidOperationException("Name the topic: the cluster was started without one.");
}
