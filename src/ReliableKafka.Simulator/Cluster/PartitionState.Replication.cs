using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class PartitionState
{
    /// <summary>
    /// One fetch of <paramref name="followerId"/> from the leader: first truncation to the leader's epoch end when
    /// leadership changed, then a copy of the batches it lacks (older than its replication delay). Updates the leader's
    /// view (caught-up time, ISR expansion, high watermark). Returns the number of batches copied.
    /// </summary>
    public int ReplicateTo(int followerId)
    {
        var copied = 0;
        bool advanced;
        lock (_gate)
        {
            var follower = _replicas[followerId];
            if (Leader < 0 || followerId == Leader || !follower.Online || follower.ReplicationStopped || !_replicas[Leader].Online)
            {
                return 0;
            }

            var leader = _replicas[Leader];
            if (follower.MustCheckDivergence)
            {
                TruncateToLeaderLocked(follower, leader);
            }

            var now = _time.GetUtcNow();
            var visibleBefore = now - follower.ReplicationDelay;
            var heldBack = false;
            foreach (var batch in leader.Log.Read(follower.Log.LogEndOffset, long.MaxValue, int.MaxValue))
            {
                if (batch.BaseOffset < follower.Log.LogEndOffset)
                {
                    continue;
                }

                if (follower.ReplicationDelay > TimeSpan.Zero && batch.AppendedAt > visibleBefore)
                {
                    heldBack = true;
                    break;
                }

                follower.Log.Append(batch);
                follower.Track(batch);
                copied++;
            }

            if (follower.Log.LogEndOffset >= leader.Log.LogEndOffset)
            {
                follower.LastCaughtUp = now;
            }
            else if (heldBack && visibleBefore > follower.LastCaughtUp)
            {
                // It has everything the leader had at now - delay: as in Kafka, a follower that keeps up at a steady
                // distance was caught up as of then, and stays in the ISR while that distance is under the lag time.
                follower.LastCaughtUp = visibleBefore;
            }

            if (!_isr.Contains(followerId) && follower.Log.LogEndOffset >= HighWatermark && follower.Log.LogEndOffset >= LeaderEpochStartOffset)
            {
                _isr.Add(followerId);
                SortIsr();
                _truth.Add(TruthEventKind.IsrChanged, Topic, Index, followerId, epoch: LeaderEpoch, detail: $"{followerId} caught up; ISR {Describe(_isr)}", typed: e => e with { IsrChange = IsrChangeReason.CaughtUp, Isr = [.. _isr] });
            }

            advanced = UpdateHighWatermarkLocked(out var completed);
            Complete(completed);
        }

        if (advanced)
        {
            HighWatermarkAdvanced?.Invoke(this);
        }

        return copied;
    }

    /// <summary>Removes followers that have not caught up for longer than <paramref name="lagTimeMax"/> (replica.lag.time.max.ms).</summary>
    public void ShrinkIsr(TimeSpan lagTimeMax)
    {
        bool advanced;
        lock (_gate)
        {
            if (Leader < 0)
            {
                return;
            }

            var leader = _replicas[Leader];
            var now = _time.GetUtcNow();
            // A follower that has not fetched since the election has an unknown log end (its log may still hold the
            // old leader's records): it is caught up only within its lag window, as in Kafka.
            var removed = _isr.RemoveAll(id => id != Leader
                && (_replicas[id].MustCheckDivergence || _replicas[id].Log.LogEndOffset < leader.Log.LogEndOffset)
                && now - _replicas[id].LastCaughtUp > lagTimeMax);
            if (removed == 0)
            {
                return;
            }

            _truth.Add(TruthEventKind.IsrChanged, Topic, Index, Leader, epoch: LeaderEpoch, detail: $"lagging followers removed; ISR {Describe(_isr)}", typed: e => e with { IsrChange = IsrChangeReason.Lagging, Isr = [.. _isr] });
            advanced = UpdateHighWatermarkLocked(out var completed);
            Complete(completed);
        }

        if (advanced)
        {
            HighWatermarkAdvanced?.Invoke(this);
        }
    }

    private bool UpdateHighWatermarkLocked(out List<(TaskCompletionSource<KafkaErrorCode> Completion, KafkaErrorCode Result)> completed)
    {
        completed = [];
        if (Leader < 0)
        {
            return false;
        }

        // As in Kafka, a new leader knows a follower's log end only from its fetches in the new epoch: an in-sync
        // follower that has not fetched yet (it may still hold records the new leader never had) holds the high
        // watermark where it is.
        var members = _isr.Where(id => _replicas[id].Online || id == Leader).ToList();
        if (members.Any(id => id != Leader && _replicas[id].MustCheckDivergence))
        {
            return false;
        }

        var high = members.Select(id => _replicas[id].Log.LogEndOffset).DefaultIfEmpty(0).Min();
        if (high <= HighWatermark)
        {
            return false;
        }

        HighWatermark = high;
        var result = _isr.Count < Settings.MinInSyncReplicas ? KafkaErrorCode.NotEnoughReplicasAfterAppend : KafkaErrorCode.None;
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Target <= high)
            {
                completed.Add((_waiters[i].Completion, result));
                _waiters.RemoveAt(i);
            }
        }

        return true;
    }

    private static void Complete(List<(TaskCompletionSource<KafkaErrorCode> Completion, KafkaErrorCode Result)> completed)
    {
        foreach (var (completion, result) in completed)
        {
            completion.TrySetResult(result);
        }
    }

    private void SortIsr() => _isr.Sort((a, b) => Position(a).CompareTo(Position(b)));

    private int Position(int brokerId)
    {
        for (var i = 0; i < ReplicaIds.Count; i++)
        {
            if (ReplicaIds[i] == brokerId)
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
