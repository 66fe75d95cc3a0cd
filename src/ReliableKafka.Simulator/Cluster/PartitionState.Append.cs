using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class PartitionState
{
    /// <summary>Appends a batch on the leader. acks: -1, 0 or 1 (the caller rejects other values).</summary>
    public AppendResult AppendAsLeader(int brokerId, IncomingBatch batch, short acks)
    {
        AppendResult result;
        bool advanced;
        lock (_gate)
        {
            if (Leader < 0 || brokerId != Leader)
            {
                return new AppendResult(Leader < 0 ? KafkaErrorCode.LeaderNotAvailable : KafkaErrorCode.NotLeaderOrFollower, -1, -1, false);
            }

            if (acks == -1 && _isr.Count < Settings.MinInSyncReplicas)
            {
                return new AppendResult(KafkaErrorCode.NotEnoughReplicas, -1, -1, false);
            }

            if (batch.Data.Length > Settings.MaxMessageBytes)
            {
                return new AppendResult(KafkaErrorCode.MessageTooLarge, -1, -1, false);
            }

            var leader = _replicas[Leader];
            var lastSequence = batch.BaseSequence < 0 ? -1 : (int)(((long)batch.BaseSequence + batch.LastOffsetDelta) % ((long)int.MaxValue + 1));
            if (batch.ProducerId >= 0)
            {
                switch (leader.Producers.Check(batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, lastSequence, out var duplicateBase))
                {
                    case SequenceVerdict.Duplicate:
                        _truth.Add(TruthEventKind.Deduplicated, Topic, Index, brokerId, duplicateBase, duplicateBase + batch.LastOffsetDelta, LeaderEpoch, batch.ProducerId,
                            $"retry of sequence {batch.BaseSequence}..{lastSequence} answered with its original offset", e => e with { FirstSequence = batch.BaseSequence, LastSequence = lastSequence });
                        return new AppendResult(KafkaErrorCode.None, duplicateBase, duplicateBase + batch.LastOffsetDelta, true);
                    case SequenceVerdict.OutOfOrder:
                        return new AppendResult(KafkaErrorCode.OutOfOrderSequenceNumber, -1, -1, false);
                    case SequenceVerdict.StaleEpoch:
                        return new AppendResult(KafkaErrorCode.InvalidProducerEpoch, -1, -1, false);
                }
            }

            if (batch.ProducerId >= 0 && !batch.IsTransactional && leader.Transactions.IsOpen(batch.ProducerId))
            {
                // Kafka's ProducerAppendInfo: a producer with a transaction open here may only write to it.
                return new AppendResult(KafkaErrorCode.InvalidTxnState, -1, -1, false);
            }

            var stored = AppendLocked(leader, batch.Data, batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, lastSequence, batch.LastOffsetDelta);
            _truth.Add(TruthEventKind.Appended, Topic, Index, brokerId, stored.BaseOffset, stored.LastOffset, LeaderEpoch, batch.ProducerId, $"acks={acks}", e => e with { Acks = acks });
            result = new AppendResult(KafkaErrorCode.None, stored.BaseOffset, stored.LastOffset, false);
            advanced = UpdateHighWatermarkLocked(out var completed);
            Complete(completed);
        }

        Appended?.Invoke(this);
        if (advanced)
        {
            HighWatermarkAdvanced?.Invoke(this);
        }

        return result;
    }

    /// <summary>Puts a batch at the leader's log end: offsets and leader epoch patched, producer and transaction state kept.</summary>
    private StoredBatch AppendLocked(Replica leader, byte[] data, long producerId, short producerEpoch, int baseSequence, int lastSequence, int lastOffsetDelta)
    {
        var baseOffset = leader.Log.LogEndOffset;
        RecordBatch.SetBaseOffset(data, baseOffset);
        RecordBatch.SetPartitionLeaderEpoch(data, LeaderEpoch);
        var stored = new StoredBatch(baseOffset, baseOffset + lastOffsetDelta, LeaderEpoch, producerId, producerEpoch, baseSequence, lastSequence, data, _time.GetUtcNow());
        leader.Log.Append(stored);
        leader.Track(stored);
        leader.LastCaughtUp = stored.AppendedAt;
        return stored;
    }

    /// <summary>
    /// Completes when the high watermark reaches <paramref name="target"/> (the offset after the batch): None, or
    /// NotEnoughReplicasAfterAppend when the ISR is then below min.insync.replicas, or NotLeaderOrFollower when
    /// leadership moved. The caller applies the request timeout (RequestTimedOut).
    /// </summary>
    public Task<KafkaErrorCode> WaitForHighWatermark(long target)
    {
        lock (_gate)
        {
            if (HighWatermark >= target)
            {
                return Task.FromResult(_isr.Count < Settings.MinInSyncReplicas ? KafkaErrorCode.NotEnoughReplicasAfterAppend : KafkaErrorCode.None);
            }

            var completion = new TaskCompletionSource<KafkaErrorCode>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, completion));
            return completion.Task;
        }
    }
}
