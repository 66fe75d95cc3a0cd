namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class GroupCoordinator
{
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
            foreach (var group in _groups.Values)
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
        foreach (var group in _groups.Values)
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
}
