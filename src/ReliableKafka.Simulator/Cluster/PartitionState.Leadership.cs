using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class PartitionState
{
    /// <summary>The broker went down: it leaves the ISR (unless it is the last member) and loses leadership.</summary>
    public void OnBrokerDown(int brokerId) => RemoveBroker(brokerId, IsrChangeReason.BrokerDown, "went down");

    /// <summary>
    /// The controller fenced the broker (no heartbeat for broker.session.timeout.ms): as Kafka's
    /// ReplicationControlManager.handleBrokerFenced, it leaves the ISR (unless it is the last member: the ISR is never
    /// emptied) and a leader it was is replaced by the first other live in-sync replica in replica order.
    /// </summary>
    public void OnBrokerFenced(int brokerId) => RemoveBroker(brokerId, IsrChangeReason.Fenced, "was fenced");

    private void RemoveBroker(int brokerId, IsrChangeReason why, string what)
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
                _truth.Add(TruthEventKind.IsrChanged, Topic, Index, brokerId, epoch: LeaderEpoch, detail: $"{brokerId} {what}; ISR {Describe(_isr)}", typed: e => e with { IsrChange = why, Isr = [.. _isr] });
            }

            if (brokerId == Leader)
            {
                failed.AddRange(_waiters.Select(static w => w.Completion));
                _waiters.Clear();
                ElectLocked($"leader {what}", previousLeader: brokerId);
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

    private void ElectLocked(string reason, int? previousLeader = null)
    {
        var clean = ReplicaIds.FirstOrDefault(id => _replicas[id].Online && _isr.Contains(id), -1);
        if (clean >= 0)
        {
            SetLeaderLocked(clean, reason, ElectionKind.Clean, previousLeader);
            return;
        }

        var any = Settings.UncleanLeaderElection ? ReplicaIds.FirstOrDefault(id => _replicas[id].Online, -1) : -1;
        if (any >= 0)
        {
            SetLeaderLocked(any, reason, ElectionKind.Unclean, previousLeader);
            return;
        }

        Leader = -1;
        LeaderEpoch++;
        _truth.Add(TruthEventKind.Elected, Topic, Index, -1, epoch: LeaderEpoch, detail: $"offline ({reason}): no live in-sync replica; ISR {Describe(_isr)}", typed: e => e with { Election = ElectionKind.Offline, PreviousLeader = previousLeader, Isr = [.. _isr] });
    }

    private void SetLeaderLocked(int brokerId, string reason, ElectionKind election, int? previousLeader = null)
    {
        var unclean = election == ElectionKind.Unclean;
        Leader = brokerId;
        LeaderEpoch++;
        var leader = _replicas[brokerId];
        leader.MustCheckDivergence = false;
        // As in Kafka, a new leader records its epoch at its log end offset: followers that wrote past it in an older
        // epoch find their divergence from this entry even before the leader appends anything.
        LeaderEpochStartOffset = leader.Log.LogEndOffset;
        leader.Log.Epochs.Assign(LeaderEpoch, LeaderEpochStartOffset);
        if (unclean)
        {
            _isr.Clear();
            _isr.Add(brokerId);
        }

        var now = _time.GetUtcNow();
        foreach (var replica in _replicas.Values.Where(r => r.BrokerId != brokerId))
        {
            // Kafka's new leader resets what it knows of each follower: log end unknown until it fetches, and an
            // in-sync follower gets a fresh lag window.
            replica.MustCheckDivergence = true;
            if (_isr.Contains(replica.BrokerId))
            {
                replica.LastCaughtUp = now;
            }
        }

        HighWatermark = Math.Min(HighWatermark, leader.Log.LogEndOffset);
        _truth.Add(TruthEventKind.Elected, Topic, Index, brokerId, leader.Log.LogEndOffset, -1, LeaderEpoch,
            detail: $"{(unclean ? "unclean" : "clean")} election ({reason}); ISR {Describe(_isr)}",
            typed: e => e with { Election = election, PreviousLeader = previousLeader, Isr = [.. _isr] });
    }

    private void TruncateToLeaderLocked(Replica follower, Replica leader)
    {
        follower.MustCheckDivergence = false;
        var removed = FollowerTruncation.Reconcile(follower.Log, leader.Log, HighWatermark);
        if (removed.Count == 0)
        {
            return;
        }

        follower.RebuildState();
        _truth.Add(TruthEventKind.Truncated, Topic, Index, follower.BrokerId, removed[0].BaseOffset, removed[^1].LastOffset, LeaderEpoch,
            detail: $"broker {follower.BrokerId} truncated offsets {removed[0].BaseOffset}-{removed[^1].LastOffset} to follow broker {leader.BrokerId} in epoch {LeaderEpoch}",
            typed: e => e with { Leader = leader.BrokerId });
    }
}
