using System.Collections.Concurrent;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// A multi-broker cluster that speaks the Kafka wire protocol on 127.0.0.1, in-process. Each partition keeps a log
/// per replica; followers copy from the leader in the background, the ISR and the high watermark follow from that,
/// and the cluster records every append, acknowledgement, truncation and election in <see cref="Truth"/>.
/// For tests and laptops only: nothing in production may depend on it.
/// </summary>
public sealed partial class SimulatedCluster : IAsyncDisposable
{
    private static readonly TimeSpan ReplicationTick = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan IsrCheckInterval = TimeSpan.FromMilliseconds(100);

    private readonly SimulatedClusterOptions _options;
    private readonly TimeProvider _time;
    private readonly SortedDictionary<int, BrokerNode> _brokers = [];
    private readonly ConcurrentDictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly Lock _topicsGate = new();
    private readonly SemaphoreSlim _replicationSignal = new(0);
    private readonly ConcurrentDictionary<(string Topic, int Partition, int Broker), Faults.FaultHandle> _followerLags = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _signalled;
    private TaskCompletionSource _highWatermarkChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextProducerId = 1000;
    private Task _replication = Task.CompletedTask;

    private SimulatedCluster(SimulatedClusterOptions options)
    {
        _options = options;
        _time = options.TimeProvider ?? TimeProvider.System;
        Truth = new GroundTruth(_time);
        Handler = new RequestHandler(this);
        TransactionCoordinator = new TransactionCoordinator(this);
    }

    /// <summary>Every append, acknowledgement, truncation and election so far.</summary>
    public GroundTruth Truth { get; }

    /// <summary>"host:port" of every broker, comma-separated, for bootstrap.servers.</summary>
    public string BootstrapServers => string.Join(',', _brokers.Values.Select(static b => $"{b.Host}:{b.Port}"));

    /// <summary>The broker ids, 1..N.</summary>
    public IReadOnlyList<int> BrokerIds => [.. _brokers.Keys];

    /// <summary>The options the cluster runs with.</summary>
    public SimulatedClusterOptions Options => _options;

    internal RequestHandler Handler { get; }

    /// <summary>The state of every transactional id (cluster-wide, as Kafka's replicated __transaction_state).</summary>
    internal TransactionCoordinator TransactionCoordinator { get; }

    internal TimeProvider Time => _time;

    internal IEnumerable<BrokerNode> Brokers => _brokers.Values;

    internal int ControllerId => _brokers.Values.FirstOrDefault(static b => b.IsUp && !b.IsFenced)?.Id ?? -1;

    /// <summary>Starts every broker and returns once they all listen.</summary>
    /// <param name="options">The layout; three brokers on ephemeral ports when null.</param>
    /// <returns>The running cluster.</returns>
    public static SimulatedCluster Start(SimulatedClusterOptions? options = null)
    {
        options ??= new SimulatedClusterOptions();
        if (options.Brokers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Brokers, "A cluster needs at least one broker.");
        }

        var cluster = new SimulatedCluster(options);
        try
        {
            for (var id = 1; id <= options.Brokers; id++)
            {
                var port = options.FirstPort == 0 ? 0 : options.FirstPort + id - 1;
                var broker = new BrokerNode(cluster, id, options.Host, port);
                cluster._brokers[id] = broker;
                broker.Start();
            }
        }
        catch
        {
            foreach (var broker in cluster._brokers.Values)
            {
                broker.Stop();
            }

            throw;
        }

        if (options.DataDirectory is { } directory)
        {
            try
            {
                ClusterPersistence.Load(cluster, directory);
            }
            catch
            {
                foreach (var broker in cluster._brokers.Values)
                {
                    broker.Stop();
                }

                throw;
            }
        }

        cluster._replication = Task.Run(cluster.ReplicateAsync);
        return cluster;
    }

    /// <summary>Creates a topic; replicas are spread over the brokers round-robin.</summary>
    /// <param name="name">The topic.</param>
    /// <param name="settings">Partitions, replication factor, min.insync.replicas and the rest.</param>
    /// <exception cref="InvalidOperationException">The topic exists, or the replication factor exceeds the broker count.</exception>
    public void CreateTopic(string name, TopicSettings settings)
    {
        if (TryCreateTopic(name, settings) is { } error)
        {
            throw new InvalidOperationException(error);
        }
    }

    /// <summary>A snapshot of brokers and partitions (leader, replicas, ISR, high watermark, log end offsets).</summary>
    /// <returns>The snapshot.</returns>
    public ClusterSnapshot Describe() => new(
        [.. _brokers.Values.Select(static b => new BrokerSnapshot(b.Id, b.Host, b.Port, b.IsUp ? "up" : "down"))],
        [.. _topics.Values.OrderBy(static t => t.Name, StringComparer.Ordinal).Select(static t => new TopicSnapshot(
            t.Name,
            t.Settings,
            [.. t.Partitions.Select(static p => new PartitionSnapshot(
                p.Index, p.Leader, p.LeaderEpoch, [.. p.ReplicaIds], [.. p.Isr], p.HighWatermark,
                p.ReplicaIds.ToDictionary(static id => id, id => p.LogEndOffset(id)), p.LastStableOffset))]))]);

    /// <summary>
    /// The broker that coordinates a transactional id or a group id now (where FindCoordinator sends its clients), or -1
    /// when no broker is up. It moves when that broker goes down.
    /// </summary>
    /// <param name="key">The transactional id or group id.</param>
    /// <returns>The broker id, or -1.</returns>
    public int CoordinatorOf(string key) => Handler.CoordinatorOf(key);

    /// <summary>
    /// Every transactional id the transaction coordinator knows: its producer id and epoch, its state (Ongoing,
    /// PrepareCommit, CompleteAbort...), how long the open transaction has been open, its partitions and the markers
    /// still to write. A transaction open long after it began is what holds read_committed consumers back.
    /// </summary>
    /// <returns>The ids, in order.</returns>
    public IReadOnlyList<TransactionSnapshot> DescribeTransactions() => TransactionCoordinator.Snapshot();

    /// <summary>Stops every broker, and saves the logs when <see cref="SimulatedClusterOptions.DataDirectory"/> is set.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var broker in _brokers.Values)
        {
            broker.Stop();
        }

        try
        {
            await _replication.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        if (_options.DataDirectory is { } directory)
        {
            ClusterPersistence.Save(this, directory);
        }

        _stopping.Dispose();
        _replicationSignal.Dispose();
    }

    /// <summary>Completes at the next high-watermark advance or leadership change anywhere (long-polling fetches wait on it).</summary>
    internal Task HighWatermarkChanged => Volatile.Read(ref _highWatermarkChanged).Task;

    internal void NotifyHighWatermarkChanged() =>
        Interlocked.Exchange(ref _highWatermarkChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    internal long NextProducerId() => Interlocked.Increment(ref _nextProducerId);

    internal PartitionState? FindPartition(string topic, int partition) =>
        _topics.TryGetValue(topic, out var state) && partition >= 0 && partition < state.Partitions.Length ? state.Partitions[partition] : null;

    internal TopicState? FindTopic(string topic) => _topics.GetValueOrDefault(topic);

    internal IReadOnlyCollection<TopicState> Topics => [.. _topics.Values];

    /// <summary>The topic, created with the default settings when auto-creation is on; null otherwise.</summary>
    internal TopicState? GetOrAutoCreate(string topic)
    {
        if (_topics.TryGetValue(topic, out var state))
        {
            return state;
        }

        if (!_options.AutoCreateTopics || !IsValidTopicName(topic))
        {
            return null;
        }

        TryCreateTopic(topic, _options.EffectiveDefaultTopic);
        return _topics.GetValueOrDefault(topic);
    }

    /// <summary>Creates a topic; returns null on success or why not.</summary>
    internal string? TryCreateTopic(string name, TopicSettings settings)
    {
        if (!IsValidTopicName(name))
        {
            return $"'{name}' is not a valid topic name: use 1-249 characters from a-z, A-Z, 0-9, '.', '_' and '-'.";
        }

        if (settings.Partitions < 1)
        {
            return $"Topic '{name}' needs at least one partition, not {settings.Partitions}.";
        }

        if (settings.ReplicationFactor < 1 || settings.ReplicationFactor > _brokers.Count)
        {
            return $"Replication factor {settings.ReplicationFactor} for topic '{name}' must be between 1 and the {_brokers.Count} brokers.";
        }

        if (settings.MinInSyncReplicas < 1)
        {
            return $"min.insync.replicas for topic '{name}' must be at least 1, not {settings.MinInSyncReplicas}.";
        }

        lock (_topicsGate)
        {
            if (_topics.ContainsKey(name))
            {
                return $"Topic '{name}' already exists.";
            }

            _topics[name] = new TopicState(name, settings, [.. Enumerable.Range(0, settings.Partitions).Select(p => NewPartition(name, p, settings))]);
            return null;
        }
    }

    /// <summary>Grows a topic to <paramref name="total"/> partitions; returns null on success or the Kafka error and why.</summary>
    internal (Protocol.KafkaErrorCode Error, string Message)? TryAddPartitions(string name, int total, bool validateOnly)
    {
        lock (_topicsGate)
        {
            if (!_topics.TryGetValue(name, out var topic))
            {
                return (Protocol.KafkaErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist.");
            }

            var current = topic.Partitions.Length;
            if (total <= current)
            {
                return (Protocol.KafkaErrorCode.InvalidPartitions, $"Topic '{name}' has {current} partitions; the new count must be larger, not {total}.");
            }

            if (!validateOnly)
            {
                topic.AddPartitions(Enumerable.Range(current, total - current).Select(p => NewPartition(name, p, topic.Settings)).ToList());
            }

            return null;
        }
    }

    /// <summary>A partition with replicas spread round-robin, wired to replication and long-polling fetches.</summary>
    private PartitionState NewPartition(string topic, int index, TopicSettings settings)
    {
        var ids = _brokers.Keys.ToArray();
        var replicas = Enumerable.Range(0, settings.ReplicationFactor).Select(r => ids[(index + r) % ids.Length]).ToArray();
        var partition = new PartitionState(topic, index, replicas, settings, _time, Truth);
        partition.Appended += _ => Signal();
        partition.HighWatermarkAdvanced += _ => NotifyHighWatermarkChanged();
        foreach (var broker in replicas.Where(id => !_brokers[id].IsUp))
        {
            partition.OnBrokerDown(broker);
        }

        return partition;
    }

    internal bool DeleteTopic(string name) => _topics.TryRemove(name, out _);

    /// <summary>Kafka's topic-name rule: 1-249 characters from a-z, A-Z, 0-9, '.', '_' and '-', and not "." or "..".</summary>
    internal static bool IsValidTopicName(string name) =>
        name.Length is > 0 and <= 249 && name is not "." and not ".." && name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private IEnumerable<PartitionState> AllPartitions() => _topics.Values.SelectMany(static t => t.Partitions);

    /// <summary>Wakes the background loop now (a decided transaction has markers to write) instead of at its next tick.</summary>
    internal void Wake() => Signal();

    private void Signal()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _replicationSignal.Release();
        }
    }

    /// <summary>The followers' fetch loop: on every append (or each tick, for delayed followers) copy from leaders; shrink ISRs.</summary>
    private async Task ReplicateAsync()
    {
        var lastIsrCheck = _time.GetTimestamp();
        var token = _stopping.Token;
        var log = (_options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger(typeof(SimulatedCluster).FullName!);

        // As Kafka's fetcher marks a partition failed: a fetch that throws stops that replica until a new leader epoch.
        var failed = new Dictionary<(PartitionState Partition, int Replica), int>();
        while (!token.IsCancellationRequested)
        {
            await _replicationSignal.WaitAsync(ReplicationTick, token).ConfigureAwait(false);
            Volatile.Write(ref _signalled, 0);
            foreach (var partition in AllPartitions())
            {
                if (partition.Leader is var leader and >= 0 && !_brokers[leader].IsServing)
                {
                    continue;
                }

                foreach (var replica in partition.ReplicaIds)
                {
                    if (_brokers[replica].IsServing && !(failed.TryGetValue((partition, replica), out var epoch) && epoch == partition.LeaderEpoch))
                    {
                        try
                        {
                            partition.ReplicateTo(replica);
                        }
                        catch (Exception e)
                        {
                            failed[(partition, replica)] = partition.LeaderEpoch;
                            ClusterLog.ReplicationFailed(log, partition.Topic, partition.Index, replica, partition.LeaderEpoch, e);
                        }
                    }
                }
            }

            try
            {
                // The transaction coordinators' work: timeouts, and the markers of decided transactions.
                TransactionCoordinator.Tick();
            }
            catch (Exception e)
            {
                ClusterLog.TransactionTickFailed(log, e);
            }

            if (_time.GetElapsedTime(lastIsrCheck) >= IsrCheckInterval)
            {
                lastIsrCheck = _time.GetTimestamp();
                foreach (var partition in AllPartitions())
                {
                    // The leader runs the ISR check: a paused (or fenced) leader runs nothing, so its followers stay in
                    // the ISR and the controller can elect one of them once it fences the leader.
                    if (partition.Leader is var isrLeader and >= 0 && !_brokers[isrLeader].IsServing)
                    {
                        continue;
                    }

                    try
                    {
                        partition.ShrinkIsr(_options.ReplicaLagTimeMax);
                    }
                    catch (Exception e)
                    {
                        ClusterLog.IsrCheckFailed(log, partition.Topic, partition.Index, e);
                    }
                }
            }
        }
    }
}

/// <summary>A topic and its partitions. Partitions can be added (CreatePartitions), never removed.</summary>
internal sealed class TopicState(string name, TopicSettings settings, PartitionState[] partitions)
{
    private PartitionState[] _partitions = partitions;
    private TopicSettings _settings = settings;

    public string Name { get; } = name;

    public TopicSettings Settings => Volatile.Read(ref _settings);

    public PartitionState[] Partitions => Volatile.Read(ref _partitions);

    /// <summary>Appends partitions; the caller holds the cluster's topic lock.</summary>
    internal void AddPartitions(IEnumerable<PartitionState> added)
    {
        var all = (PartitionState[])[.. _partitions, .. added];
        Volatile.Write(ref _settings, _settings with { Partitions = all.Length });
        Volatile.Write(ref _partitions, all);
    }
}

/// <summary>What <see cref="SimulatedCluster.Describe"/> returns.</summary>
/// <param name="Brokers">Every broker.</param>
/// <param name="Topics">Every topic.</param>
public sealed record ClusterSnapshot(IReadOnlyList<BrokerSnapshot> Brokers, IReadOnlyList<TopicSnapshot> Topics);

/// <summary>One broker.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Host">Its address.</param>
/// <param name="Port">Its port.</param>
/// <param name="State">"up" or "down".</param>
public sealed record BrokerSnapshot(int Id, string Host, int Port, string State);

/// <summary>One topic.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Settings">Its configuration.</param>
/// <param name="Partitions">Its partitions.</param>
public sealed record TopicSnapshot(string Name, TopicSettings Settings, IReadOnlyList<PartitionSnapshot> Partitions);

/// <summary>One partition.</summary>
/// <param name="Partition">Its index.</param>
/// <param name="Leader">The leader, or -1.</param>
/// <param name="LeaderEpoch">The leader epoch.</param>
/// <param name="Replicas">The replicas, in preference order.</param>
/// <param name="Isr">The in-sync replicas.</param>
/// <param name="HighWatermark">The high watermark.</param>
/// <param name="LogEndOffsets">Each replica's log end offset.</param>
/// <param name="LastStableOffset">
/// The last stable offset: read_committed consumers read below it. The high watermark, unless a transaction is open (or
/// its marker not yet replicated): then the first offset of the oldest such transaction.
/// </param>
public sealed record PartitionSnapshot(int Partition, int Leader, int LeaderEpoch, IReadOnlyList<int> Replicas, IReadOnlyList<int> Isr, long HighWatermark, IReadOnlyDictionary<int, long> LogEndOffsets, long LastStableOffset = -1);
