namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class GroupCoordinator
{
    /// <summary>
    /// Whether a group's coordinator is stopped (a paused broker, not yet fenced): its timers do not run, so no session
    /// lapses and no rebalance ends until it resumes or another broker takes the group over. Null: never.
    /// </summary>
    internal Func<string, bool>? IsStopped { get; init; }

    /// <summary>The coordinators of some groups resumed: their overdue timers run now.</summary>
    internal void Wake()
    {
        lock (_gate)
        {
            Reschedule();
        }
    }

    /// <summary>
    /// Another broker took over the groups <paramref name="moved"/> selects (their coordinator was fenced). As Kafka's
    /// GroupMetadataManager.onLoaded does for a classic group it loads, every member's session starts again from now.
    /// </summary>
    internal void OnGroupsLoaded(Func<string, bool> moved)
    {
        lock (_gate)
        {
            var now = Now;
            foreach (var group in _groups.Values.Where(g => moved(g.Id)))
            {
                foreach (var member in group.Members)
                {
                    member.LastHeartbeat = now;
                }
            }

            Reschedule();
        }
    }

    /// <summary>The ids of the groups the coordinator knows.</summary>
    internal IReadOnlyList<string> GroupIds()
    {
        lock (_gate)
        {
            return [.. _groups.Keys];
        }
    }

    /// <summary>Expires lapsed sessions and pending member ids, and completes rebalances whose time has come.</summary>
    internal void Tick()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = Now;
            foreach (var group in Running())
            {
                foreach (var (id, _) in group.PendingMembers.Where(p => p.Value <= now).ToList())
                {
                    group.PendingMembers.Remove(id);
                }

                foreach (var member in group.Members.Where(m => !m.IsKeptAlive && m.SessionDeadline <= now).ToList())
                {
                    if (group.Members.Contains(member))
                    {
                        RemoveMember(group, member, now);
                    }
                }

                TryCompleteJoin(group, now);
            }

            Reschedule();
        }
    }

    /// <summary>Arms the timer for the earliest session expiry, pending-id expiry or rebalance deadline.</summary>
    private void Reschedule()
    {
        if (_disposed)
        {
            return;
        }

        var now = Now;
        TimeSpan? next = null;
        void Consider(TimeSpan due) => next = next is { } current && current <= due ? current : due;
        foreach (var group in Running())
        {
            foreach (var deadline in group.PendingMembers.Values)
            {
                Consider(deadline);
            }

            foreach (var member in group.Members.Where(static m => !m.IsKeptAlive))
            {
                Consider(member.SessionDeadline);
            }

            if (group.State == GroupState.PreparingRebalance)
            {
                Consider(group.JoinNotBefore > now ? Min(group.JoinNotBefore, group.RebalanceDeadline) : group.RebalanceDeadline);
            }
        }

        var dueTime = next is { } due ? (due > now ? due - now : TimeSpan.Zero) + TimerSlack : Timeout.InfiniteTimeSpan;
        _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The groups whose coordinator is running (a copy: expiring members changes the groups).</summary>
    private List<ConsumerGroup> Running() => [.. _groups.Values.Where(g => IsStopped?.Invoke(g.Id) != true)];
}
