using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) and committed offsets, for the whole
/// cluster. The state lives here rather than in a broker, so when the coordinator broker crashes the next one
/// takes over with the same members and offsets (as Kafka does by reloading __consumer_offsets).
/// One lock guards everything; JoinGroup and SyncGroup answers are tasks completed when the rebalance gets there.
/// A one-shot timer, re-armed after every change, expires sessions and ends rebalances that ran out of time.
/// </summary>
internal sealed class GroupCoordinator : IDisposable
{
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(1);

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConsumerGroup> _groups = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private bool _disposed;

    public GroupCoordinator(TimeProvider time, GroupCoordinatorOptions? options = null)
    {
        _time = time;
        _origin = time.GetTimestamp();
        Options = options ?? new GroupCoordinatorOptions();
        _timer = time.CreateTimer(static state => ((GroupCoordinator)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public GroupCoordinatorOptions Options { get; }

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    public Task<JoinGroupResponse> JoinAsync(JoinGroupRequest request, short version, string? clientId)
    {
        lock (_gate)
        {
            var result = Join(request, version, clientId ?? string.Empty, Now);
            Reschedule();
            return result;
        }
    }

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

    /// <summary>Stores offsets. A generation below zero (assign() consumers, v0) skips the membership checks.</summary>
    public OffsetCommitResponse Commit(OffsetCommitRequest request, Func<string, int, bool> partitionExists)
    {
        lock (_gate)
        {
            var error = ValidateCommit(request, Now);
            var group = _groups.GetValueOrDefault(request.GroupId);
            var response = new OffsetCommitResponse();
            foreach (var topic in request.Topics)
            {
                var entry = new OffsetCommitResponse.OffsetCommitResponseTopic { Name = topic.Name };
                response.Topics.Add(entry);
                foreach (var partition in topic.Partitions)
                {
                    var code = error != KafkaErrorCode.None ? error
                        : !partitionExists(topic.Name, partition.PartitionIndex) ? KafkaErrorCode.UnknownTopicOrPartition
                        : (partition.CommittedMetadata?.Length ?? 0) > Options.MaxOffsetMetadataSize ? KafkaErrorCode.OffsetMetadataTooLarge
                        : KafkaErrorCode.None;
                    if (code == KafkaErrorCode.None)
                    {
                        group!.Offsets[(topic.Name, partition.PartitionIndex)] =
                            new CommittedOffset(partition.CommittedOffset, partition.CommittedLeaderEpoch, partition.CommittedMetadata ?? string.Empty);
                    }

                    entry.Partitions.Add(new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = partition.PartitionIndex, ErrorCode = code });
                }
            }

            Reschedule();
            return response;
        }
    }

    /// <summary>Committed offsets; -1 for partitions without one; every committed partition when Topics is null (v2+).</summary>
    public OffsetFetchResponse FetchOffsets(OffsetFetchRequest request)
    {
        lock (_gate)
        {
            var group = _groups.GetValueOrDefault(request.GroupId);
            var response = new OffsetFetchResponse();
            IEnumerable<(string Name, IEnumerable<int> Partitions)> requested = request.Topics?.Select(static t => (t.Name, (IEnumerable<int>)t.PartitionIndexes))
                ?? (group?.Offsets.Keys ?? Enumerable.Empty<(string Topic, int Partition)>())
                    .GroupBy(static k => k.Topic, StringComparer.Ordinal)
                    .OrderBy(static g => g.Key, StringComparer.Ordinal)
                    .Select(static g => (g.Key, (IEnumerable<int>)g.Select(static k => k.Partition).Order()));
            foreach (var (name, partitions) in requested)
            {
                var entry = new OffsetFetchResponse.OffsetFetchResponseTopic { Name = name };
                response.Topics.Add(entry);
                foreach (var partition in partitions)
                {
                    var committed = group?.Offsets.GetValueOrDefault((name, partition));
                    entry.Partitions.Add(new OffsetFetchResponse.OffsetFetchResponsePartition
                    {
                        PartitionIndex = partition,
                        CommittedOffset = committed?.Offset ?? -1,
                        CommittedLeaderEpoch = committed?.LeaderEpoch ?? -1,
                        Metadata = committed?.Metadata ?? string.Empty,
                    });
                }
            }

            return response;
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

    internal GroupSnapshot? Describe(string groupId)
    {
        lock (_gate)
        {
            return _groups.GetValueOrDefault(groupId) is { } group
                ? new GroupSnapshot(group.Id, group.State, group.Generation, group.Protocol, group.LeaderId, [.. group.Members.Select(static m => m.Id)])
                : null;
        }
    }

    internal CommittedOffset? Committed(string groupId, string topic, int partition)
    {
        lock (_gate)
        {
            return _groups.GetValueOrDefault(groupId)?.Offsets.GetValueOrDefault((topic, partition));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private static Task<JoinGroupResponse> JoinFailure(KafkaErrorCode error, string memberId) =>
        Task.FromResult(new JoinGroupResponse { ErrorCode = error, MemberId = memberId });

    private static Task<SyncGroupResponse> SyncFailure(KafkaErrorCode error) =>
        Task.FromResult(new SyncGroupResponse { ErrorCode = error });

    private static TimeSpan Milliseconds(int value) => TimeSpan.FromMilliseconds(Math.Max(0, value));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

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

    private KafkaErrorCode ValidateJoin(JoinGroupRequest request)
    {
        var session = TimeSpan.FromMilliseconds(request.SessionTimeoutMs);
        return request.GroupId.Length == 0 ? KafkaErrorCode.InvalidGroupId
            : session < Options.MinSessionTimeout || session > Options.MaxSessionTimeout ? KafkaErrorCode.InvalidSessionTimeout
            : request.ProtocolType.Length == 0 || request.Protocols.Count == 0 ? KafkaErrorCode.InconsistentGroupProtocol
            : KafkaErrorCode.None;
    }

    private ConsumerGroup GetOrCreate(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            group = new ConsumerGroup(groupId);
            _groups[groupId] = group;
        }

        return group;
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

    private KafkaErrorCode ValidateCommit(OffsetCommitRequest request, TimeSpan now)
    {
        if (request.GroupId.Length == 0)
        {
            return KafkaErrorCode.InvalidGroupId;
        }

        if (request.GenerationIdOrMemberEpoch < 0)
        {
            GetOrCreate(request.GroupId);
            return KafkaErrorCode.None;
        }

        var group = _groups.GetValueOrDefault(request.GroupId);
        if (group?.Find(request.MemberId) is not { } member)
        {
            return KafkaErrorCode.UnknownMemberId;
        }

        if (request.GenerationIdOrMemberEpoch != group.Generation)
        {
            return KafkaErrorCode.IllegalGeneration;
        }

        if (group.State == GroupState.CompletingRebalance)
        {
            return KafkaErrorCode.RebalanceInProgress;
        }

        member.LastHeartbeat = now;
        return KafkaErrorCode.None;
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

    private static TaskCompletionSource<T> NewCompletion<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
