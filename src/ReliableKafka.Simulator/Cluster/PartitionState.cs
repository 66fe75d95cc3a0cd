using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>A batch a leader is asked to append: a private copy of the raw v2 bytes and its producer fields.</summary>
internal sealed record IncomingBatch(byte[] Data, long ProducerId, short ProducerEpoch, int BaseSequence, int LastOffsetDelta);

/// <summary>The result of a leader append.</summary>
/// <param name="Error">None, or why nothing was appended.</param>
/// <param name="BaseOffset">The batch's first offset (the original one for a duplicate).</param>
/// <param name="LastOffset">The batch's last offset.</param>
/// <param name="Duplicate">True when the batch was a retry answered from the producer state.</param>
internal readonly record struct AppendResult(KafkaErrorCode Error, long BaseOffset, long LastOffset, bool Duplicate);

/// <summary>What a consumer fetch gets from the leader.</summary>
internal readonly record struct ConsumerRead(KafkaErrorCode Error, long HighWatermark, long LogStartOffset, IReadOnlyList<StoredBatch> Batches);

/// <summary>
/// One partition across its replicas, with Kafka's replication semantics: each replica keeps its own log; the leader's
/// view of its followers drives the ISR and the high watermark (the minimum log end offset over the ISR); acks=all
/// waits for the high watermark; elections bump the leader epoch and followers truncate to the new leader's epoch end.
/// All state changes happen under one lock per partition.
/// </summary>
internal sealed class PartitionState
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

                replica.Producers.Rebuild(replica.Log.Batches);
                replica.MustCheckDivergence = brokerId != Leader;
            }

            _truth.Add(TruthEventKind.Elected, Topic, Index, Leader, epoch: LeaderEpoch, detail: "restored from the data directory", typed: e => e with { Election = ElectionKind.Restored, Isr = [.. _isr] });
        }
    }

    /// <summary>Appends a batch on the leader. acks: -1, 0 or 1 (the caller rejects other values).</summary>
    public AppendResult AppendAsLeader(int brokerId, IncomingBatch batch, short acks)
    {
        AppendResult result;
        bool advanced;
        lock (_gate)
        {
            if (brokerId != Leader)
            {
                return new AppendResult(KafkaErrorCode.NotLeaderOrFollower, -1, -1, false);
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

            var baseOffset = leader.Log.LogEndOffset;
            RecordBatch.SetBaseOffset(batch.Data, baseOffset);
            RecordBatch.SetPartitionLeaderEpoch(batch.Data, LeaderEpoch);
            var stored = new StoredBatch(baseOffset, baseOffset + batch.LastOffsetDelta, LeaderEpoch, batch.ProducerId, batch.ProducerEpoch,
                batch.BaseSequence, lastSequence, batch.Data, _time.GetUtcNow());
            leader.Log.Append(stored);
            leader.Producers.Record(stored);
            leader.LastCaughtUp = stored.AppendedAt;
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
                follower.Producers.Record(batch);
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

            if (!_isr.Contains(followerId) && follower.Log.LogEndOffset >= HighWatermark)
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
            var removed = _isr.RemoveAll(id => id != Leader
                && _replicas[id].Log.LogEndOffset < leader.Log.LogEndOffset
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

    /// <summary>The broker went down: it leaves the ISR (unless it is the last member) and loses leadership.</summary>
    public void OnBrokerDown(int brokerId)
    {
        List<TaskCompletionSource<KafkaErrorCode>> failed = [];
        bool advanced;
        lock (_gate)
        {
            if (!_replicas.TryGetValue(brokerId, out var replica))
            {
                return;
            }

            replica.Online = false;
            if (_isr.Count > 1 && _isr.Remove(brokerId))
            {
                _truth.Add(TruthEventKind.IsrChanged, Topic, Index, brokerId, epoch: LeaderEpoch, detail: $"{brokerId} went down; ISR {Describe(_isr)}", typed: e => e with { IsrChange = IsrChangeReason.BrokerDown, Isr = [.. _isr] });
            }

            if (brokerId == Leader)
            {
                failed.AddRange(_waiters.Select(static w => w.Completion));
                _waiters.Clear();
                ElectLocked("leader went down");
            }

            advanced = UpdateHighWatermarkLocked(out var completed);
            Complete(completed);
        }

        foreach (var waiter in failed)
        {
            waiter.TrySetResult(KafkaErrorCode.NotLeaderOrFollower);
        }

        if (advanced)
        {
            HighWatermarkAdvanced?.Invoke(this);
        }
    }

    /// <summary>The broker is back: its replica will truncate to the leader's epoch end and catch up; an offline partition may elect it.</summary>
    public void OnBrokerUp(int brokerId)
    {
        lock (_gate)
        {
            if (!_replicas.TryGetValue(brokerId, out var replica))
            {
                return;
            }

            replica.Online = true;
            replica.MustCheckDivergence = true;
            if (Leader < 0 && (_isr.Contains(brokerId) || Settings.UncleanLeaderElection))
            {
                ElectLocked("a replica came back");
            }
        }
    }

    /// <summary>Moves leadership to <paramref name="brokerId"/>, which must be an online ISR member.</summary>
    public KafkaErrorCode MoveLeader(int brokerId)
    {
        List<TaskCompletionSource<KafkaErrorCode>> failed;
        lock (_gate)
        {
            if (!_replicas.TryGetValue(brokerId, out var replica) || !replica.Online || !_isr.Contains(brokerId))
            {
                return KafkaErrorCode.ReplicaNotAvailable;
            }

            if (brokerId == Leader)
            {
                return KafkaErrorCode.None;
            }

            failed = [.. _waiters.Select(static w => w.Completion)];
            _waiters.Clear();
            SetLeaderLocked(brokerId, "leader moved", ElectionKind.Moved);
        }

        foreach (var waiter in failed)
        {
            waiter.TrySetResult(KafkaErrorCode.NotLeaderOrFollower);
        }

        return KafkaErrorCode.None;
    }

    /// <summary>
    /// Moves leadership off <paramref name="brokerId"/> to the first other in-sync replica that
    /// <paramref name="canLead"/>; nothing when it does not lead or no such replica exists.
    /// </summary>
    public void MoveLeadershipAway(int brokerId, string reason, Func<int, bool> canLead)
    {
        List<TaskCompletionSource<KafkaErrorCode>> failed;
        lock (_gate)
        {
            if (Leader != brokerId)
            {
                return;
            }

            var next = ReplicaIds.FirstOrDefault(id => id != brokerId && _replicas[id].Online && _isr.Contains(id) && canLead(id), -1);
            if (next < 0)
            {
                return;
            }

            failed = [.. _waiters.Select(static w => w.Completion)];
            _waiters.Clear();
            SetLeaderLocked(next, $"{reason} of broker {brokerId}", ElectionKind.Controlled, previousLeader: brokerId);
        }

        foreach (var waiter in failed)
        {
            waiter.TrySetResult(KafkaErrorCode.NotLeaderOrFollower);
        }
    }

    /// <summary>The leader's log start offset and high watermark (ListOffsets earliest and latest).</summary>
    public (KafkaErrorCode Error, long LogStartOffset, long HighWatermark) Offsets(int brokerId)
    {
        lock (_gate)
        {
            return brokerId != Leader
                ? (Leader < 0 ? KafkaErrorCode.LeaderNotAvailable : KafkaErrorCode.NotLeaderOrFollower, -1, -1)
                : (KafkaErrorCode.None, _replicas[Leader].Log.LogStartOffset, HighWatermark);
        }
    }

    /// <summary>What a consumer fetch at <paramref name="offset"/> gets from <paramref name="brokerId"/>: batches below the high watermark.</summary>
    public ConsumerRead ReadForConsumer(int brokerId, long offset, int maxBytes)
    {
        lock (_gate)
        {
            if (brokerId != Leader)
            {
                return new ConsumerRead(Leader < 0 ? KafkaErrorCode.LeaderNotAvailable : KafkaErrorCode.NotLeaderOrFollower, -1, -1, []);
            }

            var log = _replicas[Leader].Log;
            if (offset < log.LogStartOffset || offset > log.LogEndOffset)
            {
                return new ConsumerRead(KafkaErrorCode.OffsetOutOfRange, HighWatermark, log.LogStartOffset, []);
            }

            return new ConsumerRead(KafkaErrorCode.None, HighWatermark, log.LogStartOffset, log.Read(offset, HighWatermark, maxBytes));
        }
    }

    private void ElectLocked(string reason)
    {
        var clean = ReplicaIds.FirstOrDefault(id => _replicas[id].Online && _isr.Contains(id), -1);
        if (clean >= 0)
        {
            SetLeaderLocked(clean, reason, ElectionKind.Clean);
            return;
        }

        var any = Settings.UncleanLeaderElection ? ReplicaIds.FirstOrDefault(id => _replicas[id].Online, -1) : -1;
        if (any >= 0)
        {
            SetLeaderLocked(any, reason, ElectionKind.Unclean);
            return;
        }

        Leader = -1;
        LeaderEpoch++;
        _truth.Add(TruthEventKind.Elected, Topic, Index, -1, epoch: LeaderEpoch, detail: $"offline ({reason}): no live in-sync replica; ISR {Describe(_isr)}", typed: e => e with { Election = ElectionKind.Offline, Isr = [.. _isr] });
    }

    private void SetLeaderLocked(int brokerId, string reason, ElectionKind election, int? previousLeader = null)
    {
        var unclean = election == ElectionKind.Unclean;
        Leader = brokerId;
        LeaderEpoch++;
        var leader = _replicas[brokerId];
        leader.MustCheckDivergence = false;
        if (unclean)
        {
            _isr.Clear();
            _isr.Add(brokerId);
        }

        foreach (var replica in _replicas.Values.Where(r => r.BrokerId != brokerId))
        {
            replica.MustCheckDivergence = true;
        }

        HighWatermark = Math.Min(HighWatermark, leader.Log.LogEndOffset);
        _truth.Add(TruthEventKind.Elected, Topic, Index, brokerId, leader.Log.LogEndOffset, -1, LeaderEpoch,
            detail: $"{(unclean ? "unclean" : "clean")} election ({reason}); ISR {Describe(_isr)}",
            typed: e => e with { Election = election, PreviousLeader = previousLeader, Isr = [.. _isr] });
    }

    private void TruncateToLeaderLocked(Replica follower, Replica leader)
    {
        follower.MustCheckDivergence = false;
        var divergence = Math.Min(follower.Log.LogEndOffset, leader.Log.EndOffsetForEpoch(follower.Log.LatestEpoch));
        if (follower.Log.LogEndOffset <= divergence)
        {
            return;
        }

        var removed = follower.Log.TruncateTo(divergence);
        follower.Producers.Rebuild(follower.Log.Batches);
        if (removed.Count > 0)
        {
            _truth.Add(TruthEventKind.Truncated, Topic, Index, follower.BrokerId, removed[0].BaseOffset, removed[^1].LastOffset, LeaderEpoch,
                detail: $"broker {follower.BrokerId} truncated offsets {removed[0].BaseOffset}-{removed[^1].LastOffset} to follow broker {leader.BrokerId} in epoch {LeaderEpoch}",
                typed: e => e with { Leader = leader.BrokerId });
        }
    }

    private bool UpdateHighWatermarkLocked(out List<(TaskCompletionSource<KafkaErrorCode> Completion, KafkaErrorCode Result)> completed)
    {
        completed = [];
        if (Leader < 0)
        {
            return false;
        }

        var high = _isr.Where(id => _replicas[id].Online || id == Leader).Select(id => _replicas[id].Log.LogEndOffset).DefaultIfEmpty(0).Min();
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

    private static string Describe(IEnumerable<int> ids) => "{" + string.Join(",", ids) + "}";
}
