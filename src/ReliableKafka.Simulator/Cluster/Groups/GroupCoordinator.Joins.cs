using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class GroupCoordinator
{
    public Task<JoinGroupResponse> JoinAsync(JoinGroupRequest request, short version, string? clientId)
    {
        lock (_gate)
        {
            var result = Join(request, version, clientId ?? string.Empty, Now);
            Reschedule();
            return result;
        }
    }

    private static Task<JoinGroupResponse> JoinFailure(KafkaErrorCode error, string memberId) =>
        Task.FromResult(new JoinGroupResponse { ErrorCode = error, MemberId = memberId });

    /// <summary>Whether every other member supports the protocol type and one protocol of the request.</summary>
    private static bool IsCompatible(ConsumerGroup group, JoinGroupRequest request)
    {
        var others = group.Members.Where(m => m.Id != request.MemberId).ToList();
        return others.Count == 0
            || (group.ProtocolType == request.ProtocolType && request.Protocols.Any(p => others.TrueForAll(m => m.Supports(p.Name))));
    }

    private static void Update(GroupMember member, JoinGroupRequest request, TimeSpan now)
    {
        member.SessionTimeout = Milliseconds(request.SessionTimeoutMs);
        member.RebalanceTimeout = Milliseconds(request.RebalanceTimeoutMs >= 0 ? request.RebalanceTimeoutMs : request.SessionTimeoutMs);
        member.Protocols = [.. request.Protocols.Select(static p => new MemberProtocol(p.Name, p.Metadata.ToArray()))];
        member.LastHeartbeat = now;
    }

    private static JoinGroupResponse JoinResponse(ConsumerGroup group, GroupMember member) => new()
    {
        GenerationId = group.Generation,
        ProtocolName = group.Protocol ?? string.Empty,
        Leader = group.LeaderId ?? string.Empty,
        MemberId = member.Id,
        Members = member.Id == group.LeaderId
            ? [.. group.Members.Select(m => new JoinGroupResponse.JoinGroupResponseMember { MemberId = m.Id, GroupInstanceId = m.GroupInstanceId, Metadata = m.MetadataFor(group.Protocol) })]
            : [],
    };

    private KafkaErrorCode ValidateJoin(JoinGroupRequest request)
    {
        var session = TimeSpan.FromMilliseconds(request.SessionTimeoutMs);
        return request.GroupId.Length == 0 ? KafkaErrorCode.InvalidGroupId
            : session < Options.MinSessionTimeout || session > Options.MaxSessionTimeout ? KafkaErrorCode.InvalidSessionTimeout
            : request.ProtocolType.Length == 0 || request.Protocols.Count == 0 ? KafkaErrorCode.InconsistentGroupProtocol
            : KafkaErrorCode.None;
    }

    private Task<JoinGroupResponse> Join(JoinGroupRequest request, short version, string clientId, TimeSpan now)
    {
        if (ValidateJoin(request) is var invalid and not KafkaErrorCode.None)
        {
            return JoinFailure(invalid, request.MemberId);
        }

        var group = GetOrCreate(request.GroupId);
        if (!IsCompatible(group, request))
        {
            return JoinFailure(KafkaErrorCode.InconsistentGroupProtocol, request.MemberId);
        }

        if (request.MemberId.Length == 0)
        {
            var memberId = $"{clientId}-{Guid.NewGuid()}";
            if (version < 4)
            {
                return AddMember(group, memberId, request, clientId, now);
            }

            // KIP-394: hand out the id first; the member joins with it, so a lost answer leaves no orphan member.
            group.PendingMembers[memberId] = now + Milliseconds(request.SessionTimeoutMs);
            return JoinFailure(KafkaErrorCode.MemberIdRequired, memberId);
        }

        if (group.PendingMembers.Remove(request.MemberId))
        {
            return AddMember(group, request.MemberId, request, clientId, now);
        }

        return group.Find(request.MemberId) is { } member
            ? Rejoin(group, member, request, now)
            : JoinFailure(KafkaErrorCode.UnknownMemberId, request.MemberId);
    }

    private Task<JoinGroupResponse> AddMember(ConsumerGroup group, string memberId, JoinGroupRequest request, string clientId, TimeSpan now)
    {
        var member = new GroupMember(memberId, request.GroupInstanceId, clientId);
        Update(member, request, now);
        var join = member.PendingJoin = NewCompletion<JoinGroupResponse>();
        group.Members.Add(member);
        group.ProtocolType = request.ProtocolType;
        if (group.State == GroupState.PreparingRebalance)
        {
            if (group.InitialDelayActive)
            {
                group.JoinNotBefore = Min(now + Options.InitialRebalanceDelay, group.RebalanceDeadline);
            }

            TryCompleteJoin(group, now);
        }
        else
        {
            PrepareRebalance(group, now);
        }

        return join.Task;
    }

    private Task<JoinGroupResponse> Rejoin(ConsumerGroup group, GroupMember member, JoinGroupRequest request, TimeSpan now)
    {
        var unchanged = member.HasSameProtocols(request.Protocols);
        if ((group.State == GroupState.CompletingRebalance && unchanged)
            || (group.State == GroupState.Stable && unchanged && member.Id != group.LeaderId))
        {
            // Nothing changed for this member: it gets the current generation again, without a rebalance.
            member.LastHeartbeat = now;
            return Task.FromResult(JoinResponse(group, member));
        }

        Update(member, request, now);
        group.ProtocolType = request.ProtocolType;
        var join = member.PendingJoin ??= NewCompletion<JoinGroupResponse>();
        if (group.State == GroupState.PreparingRebalance)
        {
            TryCompleteJoin(group, now);
        }
        else
        {
            PrepareRebalance(group, now);
        }

        return join.Task;
    }

    private void PrepareRebalance(ConsumerGroup group, TimeSpan now)
    {
        foreach (var member in group.Members)
        {
            CompleteSync(member, new SyncGroupResponse { ErrorCode = KafkaErrorCode.RebalanceInProgress }, now);
        }

        group.InitialDelayActive = group.State == GroupState.Empty;
        group.State = GroupState.PreparingRebalance;
        group.RebalanceDeadline = now + (group.Members.Count == 0 ? TimeSpan.Zero : group.Members.Max(static m => m.RebalanceTimeout));
        group.JoinNotBefore = group.InitialDelayActive ? Min(now + Options.InitialRebalanceDelay, group.RebalanceDeadline) : now;
        TryCompleteJoin(group, now);
    }

    /// <summary>Completes the join once every member (and every pending member id) has joined, or when the rebalance timeout has passed.</summary>
    private void TryCompleteJoin(ConsumerGroup group, TimeSpan now)
    {
        if (group.State != GroupState.PreparingRebalance)
        {
            return;
        }

        var everyoneJoined = group.PendingMembers.Count == 0 && group.Members.TrueForAll(static m => m.PendingJoin is not null);
        if (everyoneJoined ? now < group.JoinNotBefore : now < group.RebalanceDeadline)
        {
            return;
        }

        // Members that did not rejoin in time are out.
        group.Members.RemoveAll(static m => m.PendingJoin is null);
        group.Generation++;
        group.InitialDelayActive = false;
        if (group.Members.Count == 0)
        {
            group.State = GroupState.Empty;
            group.Protocol = null;
            group.LeaderId = null;
            group.ProtocolType = null;
            return;
        }

        var leader = group.Find(group.LeaderId ?? string.Empty) ?? group.Members[0];
        group.LeaderId = leader.Id;
        group.Protocol = leader.Protocols.Select(static p => p.Name).FirstOrDefault(name => group.Members.TrueForAll(m => m.Supports(name)));
        group.State = group.Protocol is null ? GroupState.Empty : GroupState.CompletingRebalance;
        foreach (var member in group.Members)
        {
            var join = member.PendingJoin!;
            member.PendingJoin = null;
            member.LastHeartbeat = now;
            join.TrySetResult(group.Protocol is null
                ? new JoinGroupResponse { ErrorCode = KafkaErrorCode.InconsistentGroupProtocol, MemberId = member.Id }
                : JoinResponse(group, member));
        }

        if (group.Protocol is null)
        {
            // Only reachable if the join-time checks were bypassed: nobody can agree, so nobody stays.
            group.Members.Clear();
            group.LeaderId = null;
            group.ProtocolType = null;
        }
    }
}
