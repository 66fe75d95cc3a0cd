using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>A batch a leader is asked to append: a private copy of the raw v2 bytes and its producer fields.</summary>
internal sealed record IncomingBatch(byte[] Data, long ProducerId, short ProducerEpoch, int BaseSequence, int LastOffsetDelta)
{
    /// <summary>True when the batch belongs to a transaction (attribute bit 4).</summary>
    public bool IsTransactional => (System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(Data.AsSpan(RecordBatch.AttributesOffset)) & RecordBatch.TransactionalFlag) != 0;
}

/// <summary>The result of a leader append.</summary>
/// <param name="Error">None, or why nothing was appended.</param>
/// <param name="BaseOffset">The batch's first offset (the original one for a duplicate).</param>
/// <param name="LastOffset">The batch's last offset.</param>
/// <param name="Duplicate">True when the batch was a retry answered from the producer state.</param>
internal readonly record struct AppendResult(KafkaErrorCode Error, long BaseOffset, long LastOffset, bool Duplicate);

/// <summary>What a consumer fetch gets from the leader.</summary>
/// <param name="Error">None, or why nothing was read.</param>
/// <param name="HighWatermark">The high watermark.</param>
/// <param name="LogStartOffset">The log start offset.</param>
/// <param name="Batches">The batches read: below the high watermark, or below the last stable offset for read_committed.</param>
/// <param name="LastStableOffset">The last stable offset (the high watermark when no transaction is open).</param>
/// <param name="AbortedTransactions">For read_committed: the aborted transactions the batches touch; null otherwise.</param>
internal readonly record struct ConsumerRead(KafkaErrorCode Error, long HighWatermark, long LogStartOffset, IReadOnlyList<StoredBatch> Batches, long LastStableOffset = -1, IReadOnlyList<AbortedTransaction>? AbortedTransactions = null);

/// <summary>
/// One partition across its replicas, with Kafka's replication semantics: each replica keeps its own log; the leader's
/// view of its followers drives the ISR and the high watermark (the minimum log end offset over the ISR); acks=all
/// waits for the high watermark; elections bump the leader epoch and followers truncate to the new leader's epoch end.
/// All state changes happen under one lock per partition.
/// </summary>
internal sealed partial class PartitionState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Replica> _replicas;
    private readonly List<int> _isr;
    private readonly List<(long Target, TaskCompletionSource<KafkaErrorCode> Completion)> _waiters = [];
    private readonly TimeProvider _time;
    private readonly GroundTruth _truth;

    public PartitionState(string topic, int index, IReadOnlyList<int> replicas, TopicSettings settings, TimeProvider time, GroundTruth truth)
    {
        Topic = topic;
        Index = index;
        ReplicaIds = replicas;
        Settings = settings;
        _time = time;
        _truth = truth;
        _replicas = replicas.ToDictionary(static id => id, static id => new Replica(id));
        _isr = [.. replicas];
        Leader = replicas[0];
        LeaderEpoch = 0;
        var now = time.GetUtcNow();
        foreach (var replica in _replicas.Values)
        {
            replica.LastCaughtUp = now;
        }

        _truth.Add(TruthEventKind.Elected, topic, index, Leader, epoch: 0, detail: "initial", typed: e => e with { Election = ElectionKind.Initial, Isr = [.. _isr] });
    }

    /// <summary>What a snapshot keeps of a partition (see <see cref="ClusterPersistence"/>).</summary>
    internal sealed record Saved(int Leader, int LeaderEpoch, IReadOnlyList<int> Isr, long HighWatermark, IReadOnlyDictionary<int, IReadOnlyList<StoredBatch>> Logs);

    public string Topic { get; }

    public int Index { get; }

    public IReadOnlyList<int> ReplicaIds { get; }

    public TopicSettings Settings { get; }

    /// <summary>The leader's broker id, or -1 while the partition is offline.</summary>
    public int Leader { get; private set; }

    public int LeaderEpoch { get; private set; }

    public long HighWatermark { get; private set; }

    /// <summary>
    /// The leader's log end offset when it was elected, where its epoch starts. As in Kafka, a follower rejoins the ISR
    /// only once it reaches both the high watermark and this offset.
    /// </summary>
    public long LeaderEpochStartOffset { get; private set; }

    /// <summary>Raised (outside the lock) after a leader append, so followers can fetch.</summary>
    public event Action<PartitionState>? Appended;

    /// <summary>Raised (outside the lock) when the high watermark advances, so waiting consumer fetches can return.</summary>
    public event Action<PartitionState>? HighWatermarkAdvanced;

    public IReadOnlyList<int> Isr
    {
        get
        {
            lock (_gate)
            {
                return [.. _isr];
            }
        }
    }

    public long LogEndOffset(int brokerId)
    {
        lock (_gate)
        {
            return _replicas[brokerId].Log.LogEndOffset;
        }
    }

    /// <summary>A snapshot of one replica's batches (tests and ground-truth checks).</summary>
    public IReadOnlyList<StoredBatch> BatchesOf(int brokerId)
    {
        lock (_gate)
        {
            return [.. _replicas[brokerId].Log.Batches];
        }
    }

    internal Replica ReplicaOf(int brokerId) => _replicas[brokerId];

    /// <summary>A consistent copy of leadership, ISR, high watermark and every replica's batches.</summary>
    internal Saved Save()
    {
        lock (_gate)
        {
            return new Saved(Leader, LeaderEpoch, [.. _isr], HighWatermark,
                _replicas.ToDictionary(static r => r.Key, static r => (IReadOnlyList<StoredBatch>)[.. r.Value.Log.Batches]));
        }
    }

    /// <summary>Puts back what <see cref="Save"/> kept (on a fresh partition, before any client sees it).</summary>
    internal void Restore(Saved saved)
    {
        lock (_gate)
        {
            Leader = saved.Leader;
            LeaderEpoch = saved.LeaderEpoch;
            HighWatermark = saved.HighWatermark;
            _isr.Clear();
            _isr.AddRange(saved.Isr);
            foreach (var (brokerId, batches) in saved.Logs)
            {
                var replica = _replicas[brokerId];
                foreach (var batch in batches)
                {
                    replica.Log.Append(batch);
                }

                replica.RebuildState();
                replica.MustCheckDivergence = brokerId != Leader;
            }

            if (Leader >= 0)
            {
                LeaderEpochStartOffset = _replicas[Leader].Log.LogEndOffset;
                _replicas[Leader].Log.Epochs.Assign(LeaderEpoch, LeaderEpochStartOffset);
            }

            _truth.Add(TruthEventKind.Elected, Topic, Index, Leader, epoch: LeaderEpoch, detail: "restored from the data directory", typed: e => e with { Election = ElectionKind.Restored, Isr = [.. _isr] });
        }
    }

    private static string Describe(IEnumerable<int> ids) => "{" + string.Join(",", ids) + "}";
}
