using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class GroupCoordinator
{
    public Task<SyncGroupResponse> SyncAsync(SyncGroupRequest request)
    {
        lock (_gate)
        {
            var result = Sync(request, Now);
            Reschedule();
            return result;
        }
    }

    public HeartbeatResponse Heartbeat(HeartbeatRequest request)
    {
        lock (_gate)
        {
            var group = _groups.GetValueOrDefault(request.GroupId);
            var member = group?.Find(request.MemberId);
            if (group is null || member is null)
            {
                return new HeartbeatResponse { ErrorCode = KafkaErrorCode.UnknownMemberId };
            }

            if (request.GenerationId != group.Generation)
            {
                return new HeartbeatResponse { ErrorCode = KafkaErrorCode.IllegalGeneration };
            }

            member.LastHeartbeat = Now;
            Reschedule();
            return new HeartbeatResponse { ErrorCode = group.State == GroupState.PreparingRebalance ? KafkaErrorCode.RebalanceInProgress : KafkaErrorCode.None };
        }
    }

    public LeaveGroupResponse Leave(LeaveGroupRequest request)
    {
        lock (_gate)
        {
            var now = Now;
            var group = _groups.GetValueOrDefault(request.GroupId);
            if (group is not null && group.PendingMembers.Remove(request.MemberId))
            {
                TryCompleteJoin(group, now);
                Reschedule();
                return new LeaveGroupResponse();
            }

            if (group?.Find(request.MemberId) is not { } member)
            {
                return new LeaveGroupResponse { ErrorCode = KafkaErrorCode.UnknownMemberId };
            }

            RemoveMember(group, member, now);
            Reschedule();
            return new LeaveGroupResponse();
        }
    }

    private static Task<SyncGroupResponse> SyncFailure(KafkaErrorCode error) =>
        Task.FromResult(new SyncGroupResponse { ErrorCode = error });

    /// <summary>Answers the member's waiting SyncGroup; its session runs again from now.</summary>
    private static void CompleteSync(GroupMember member, SyncGroupResponse response, TimeSpan now)
    {
        if (member.PendingSync is { } pending)
        {
            member.PendingSync = null;
            member.LastHeartbeat = now;
            pending.TrySetResult(response);
        }
    }

    private Task<SyncGroupResponse> Sync(SyncGroupRequest request, TimeSpan now)
    {
        var group = _groups.GetValueOrDefault(request.GroupId);
        var member = group?.Find(request.MemberId);
        if (group is null || member is null)
        {
            return SyncFailure(KafkaErrorCode.UnknownMemberId);
        }

        if (request.GenerationId != group.Generation)
        {
            return SyncFailure(KafkaErrorCode.IllegalGeneration);
        }

        member.LastHeartbeat = now;
        switch (group.State)
        {
            case GroupState.PreparingRebalance:
                return SyncFailure(KafkaErrorCode.RebalanceInProgress);
            case GroupState.Stable:
                return Task.FromResult(new SyncGroupResponse { Assignment = member.Assignment });
        }

        var sync = member.PendingSync ??= NewCompletion<SyncGroupResponse>();
        if (member.Id == group.LeaderId)
        {
            foreach (var each in group.Members)
            {
                var assignment = request.Assignments.LastOrDefault(a => a.MemberId == each.Id)?.Assignment ?? ReadOnlyMemory<byte>.Empty;
                each.Assignment = assignment.ToArray();
            }

            group.State = GroupState.Stable;
            foreach (var each in group.Members)
            {
                CompleteSync(each, new SyncGroupResponse { Assignment = each.Assignment }, now);
            }
        }

        return sync.Task;
    }

    private void RemoveMember(ConsumerGroup group, GroupMember member, TimeSpan now)
    {
        group.Members.Remove(member);
        if (member.PendingJoin is { } join)
        {
            member.PendingJoin = null;
            join.TrySetResult(new JoinGroupResponse { ErrorCode = KafkaErrorCode.UnknownMemberId, MemberId = member.Id });
        }

        CompleteSync(member, new SyncGroupResponse { ErrorCode = KafkaErrorCode.UnknownMemberId }, now);
        if (group.State is GroupState.Stable or GroupState.CompletingRebalance)
        {
            PrepareRebalance(group, now);
        }
        else
        {
            TryCompleteJoin(group, now);
        }
    }
}
