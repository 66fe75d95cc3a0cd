using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class PartitionState
{
    /// <summary>
    /// Appends a transaction marker on the leader, as Kafka's WriteTxnMarkers does for the coordinator: acks=all, so
    /// refused while the ISR is below min.insync.replicas. Returns the marker's offset; the coordinator then waits for
    /// the high watermark to pass it (<see cref="WaitForHighWatermark"/>) before it counts the marker as written.
    /// </summary>
    public (KafkaErrorCode Error, long Offset) AppendMarkerAsLeader(int brokerId, long producerId, short producerEpoch, ControlRecordType type, int coordinatorEpoch, string transactionalId)
    {
        long offset;
        bool advanced;
        lock (_gate)
        {
            if (Leader < 0 || brokerId != Leader)
            {
                return (Leader < 0 ? KafkaErrorCode.LeaderNotAvailable : KafkaErrorCode.NotLeaderOrFollower, -1);
            }

            if (_isr.Count < Settings.MinInSyncReplicas)
            {
                return (KafkaErrorCode.NotEnoughReplicas, -1);
            }

            var leader = _replicas[Leader];
            var data = TransactionMarker.Build(producerId, producerEpoch, type, coordinatorEpoch, _time.GetUtcNow().ToUnixTimeMilliseconds());
            var stored = AppendLocked(leader, data, producerId, producerEpoch, -1, -1, 0);
            offset = stored.BaseOffset;
            _truth.Add(TruthEventKind.MarkerWritten, Topic, Index, brokerId, offset, offset, LeaderEpoch, producerId,
                $"{(type == ControlRecordType.Commit ? "commit" : "abort")} marker of transaction '{transactionalId}' (epoch {producerEpoch})",
                e => e with { TransactionalId = transactionalId, ProducerEpoch = producerEpoch, Outcome = type == ControlRecordType.Commit ? TransactionResult.Commit : TransactionResult.Abort });
            advanced = UpdateHighWatermarkLocked(out var completed);
            Complete(completed);
        }

        Appended?.Invoke(this);
        if (advanced)
        {
            HighWatermarkAdvanced?.Invoke(this);
        }

        return (KafkaErrorCode.None, offset);
    }

    /// <summary>The leader's last stable offset: below it every transaction is decided and its marker replicated.</summary>
    public long LastStableOffset
    {
        get
        {
            lock (_gate)
            {
                return LastStableOffsetLocked();
            }
        }
    }

    /// <summary>The transactions open on the leader (producer id and first offset), oldest first; empty while offline.</summary>
    public IReadOnlyList<OpenTransaction> OpenTransactions
    {
        get
        {
            lock (_gate)
            {
                return Leader < 0 ? [] : _replicas[Leader].Transactions.Open;
            }
        }
    }

    private long LastStableOffsetLocked() => Leader < 0 ? HighWatermark : _replicas[Leader].Transactions.LastStableOffset(HighWatermark);
}
