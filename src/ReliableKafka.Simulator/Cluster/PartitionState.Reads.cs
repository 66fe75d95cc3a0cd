using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class PartitionState
{
    /// <summary>
    /// The leader's log start offset and its latest readable offset (ListOffsets earliest and latest): the high
    /// watermark, or the last stable offset when <paramref name="readCommitted"/>.
    /// </summary>
    /// <param name="brokerId">The broker asked.</param>
    /// <param name="currentLeaderEpoch">The leader epoch the client knows, or -1 to skip the check.</param>
    /// <param name="readCommitted">True for isolation level read_committed.</param>
    public (KafkaErrorCode Error, long LogStartOffset, long Latest) Offsets(int brokerId, int currentLeaderEpoch = -1, bool readCommitted = false)
    {
        lock (_gate)
        {
            return LeaderCheckLocked(brokerId, currentLeaderEpoch) is var error and not KafkaErrorCode.None
                ? (error, -1, -1)
                : (KafkaErrorCode.None, _replicas[Leader].Log.LogStartOffset, readCommitted ? LastStableOffsetLocked() : HighWatermark);
        }
    }

    /// <summary>
    /// OffsetForLeaderEpoch on <paramref name="brokerId"/>: where <paramref name="leaderEpoch"/> ends in the leader's
    /// log (the largest epoch at most the one asked for, and its end offset), as consumers ask after a leader change
    /// to detect truncation (KIP-320). Both are -1 when the leader knows no such epoch.
    /// </summary>
    public (KafkaErrorCode Error, EpochEndOffset End) OffsetForLeaderEpoch(int brokerId, int currentLeaderEpoch, int leaderEpoch)
    {
        lock (_gate)
        {
            if (LeaderCheckLocked(brokerId, currentLeaderEpoch) is var error and not KafkaErrorCode.None)
            {
                return (error, EpochEndOffset.Undefined);
            }

            return (KafkaErrorCode.None, _replicas[Leader].Log.EndOffsetForEpoch(leaderEpoch));
        }
    }

    /// <summary>
    /// What a consumer fetch at <paramref name="offset"/> gets from <paramref name="brokerId"/>: batches below the high
    /// watermark, or for read_committed below the last stable offset, with the aborted transactions they touch.
    /// </summary>
    /// <param name="brokerId">The broker asked.</param>
    /// <param name="offset">The fetch offset.</param>
    /// <param name="maxBytes">The partition's byte budget (at least one batch is returned).</param>
    /// <param name="currentLeaderEpoch">The leader epoch the client knows, or -1 to skip the check.</param>
    /// <param name="readCommitted">True for isolation level read_committed.</param>
    public ConsumerRead ReadForConsumer(int brokerId, long offset, int maxBytes, int currentLeaderEpoch = -1, bool readCommitted = false)
    {
        lock (_gate)
        {
            if (LeaderCheckLocked(brokerId, currentLeaderEpoch) is var error and not KafkaErrorCode.None)
            {
                return new ConsumerRead(error, -1, -1, []);
            }

            var log = _replicas[Leader].Log;
            if (offset < log.LogStartOffset || offset > log.LogEndOffset)
            {
                return new ConsumerRead(KafkaErrorCode.OffsetOutOfRange, HighWatermark, log.LogStartOffset, [], LastStableOffsetLocked());
            }

            var stable = LastStableOffsetLocked();
            var batches = log.Read(offset, readCommitted ? stable : HighWatermark, maxBytes);
            var aborted = readCommitted
                ? _replicas[Leader].Transactions.AbortedBetween(offset, batches.Count == 0 ? offset : batches[^1].LastOffset + 1)
                : null;
            return new ConsumerRead(KafkaErrorCode.None, HighWatermark, log.LogStartOffset, batches, stable, aborted);
        }
    }

    /// <summary>Leadership, ISR, high watermark and every replica's batches at one instant (see <see cref="SimulatedCluster.Inspect"/>).</summary>
    public PartitionInspection Inspect()
    {
        lock (_gate)
        {
            var replicas = ReplicaIds.Select(id => _replicas[id]).Select(static r => new ReplicaInspection(
                r.BrokerId,
                r.Online,
                r.Log.LogEndOffset,
                [.. r.Log.Batches.Select(static b => new ReplicaBatch(
                    b.BaseOffset, b.LastOffset, b.LeaderEpoch, b.ProducerId, b.ProducerEpoch, b.BaseSequence,
                    System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b.Data.Span[17..]), KindOf(b)))]));
            return new PartitionInspection(Topic, Index, Leader, LeaderEpoch, [.. _isr], HighWatermark, [.. replicas], _truth.LastSequence, LastStableOffsetLocked());
        }
    }

    private static BatchKind KindOf(StoredBatch batch) =>
        !batch.IsTransactional ? BatchKind.Records
        : !batch.IsControl ? BatchKind.TransactionalRecords
        : TransactionMarker.TypeOf(batch.Data) == ControlRecordType.Commit ? BatchKind.CommitMarker
        : BatchKind.AbortMarker;

    /// <summary>
    /// Kafka's check before a leader-only read: a client's epoch older than the current one is fenced, a newer one is
    /// unknown to this broker (its metadata is behind); then the broker must lead the partition.
    /// </summary>
    private KafkaErrorCode LeaderCheckLocked(int brokerId, int currentLeaderEpoch)
    {
        if (currentLeaderEpoch >= 0 && currentLeaderEpoch != LeaderEpoch)
        {
            return currentLeaderEpoch < LeaderEpoch ? KafkaErrorCode.FencedLeaderEpoch : KafkaErrorCode.UnknownLeaderEpoch;
        }

        return brokerId == Leader ? KafkaErrorCode.None
            : Leader < 0 ? KafkaErrorCode.LeaderNotAvailable
            : KafkaErrorCode.NotLeaderOrFollower;
    }
}
