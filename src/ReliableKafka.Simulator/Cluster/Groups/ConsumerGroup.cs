using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>The states of a classic group, as Kafka names them (Dead is not modelled: groups live as long as the cluster).</summary>
internal enum GroupState
{
    /// <summary>No members; the group may still hold committed offsets.</summary>
    Empty,

    /// <summary>Waiting for every member to (re)join.</summary>
    PreparingRebalance,

    /// <summary>Joined; waiting for the leader's SyncGroup with the assignments.</summary>
    CompletingRebalance,

    /// <summary>Every member has its assignment; heartbeats keep the members in.</summary>
    Stable,
}

/// <summary>One group's membership and committed offsets. Guarded by the coordinator's lock.</summary>
internal sealed class ConsumerGroup(string id)
{
    public string Id { get; } = id;

    public GroupState State { get; set; } = GroupState.Empty;

    public int Generation { get; set; }

    /// <summary>The members' protocol type ("consumer" for consumers), while there are members.</summary>
    public string? ProtocolType { get; set; }

    /// <summary>The protocol (assignor) chosen at the last completed join, or null.</summary>
    public string? Protocol { get; set; }

    public string? LeaderId { get; set; }

    /// <summary>The members in the order they joined.</summary>
    public List<GroupMember> Members { get; } = [];

    /// <summary>Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with when they lapse.</summary>
    public Dictionary<string, TimeSpan> PendingMembers { get; } = new(StringComparer.Ordinal);

    /// <summary>While preparing a rebalance: when members that have not rejoined are dropped.</summary>
    public TimeSpan RebalanceDeadline { get; set; }

    /// <summary>While preparing a rebalance: the join completes no earlier than this (the initial rebalance delay).</summary>
    public TimeSpan JoinNotBefore { get; set; }

    /// <summary>Whether the rebalance in progress started from an empty group, so new members extend the initial delay.</summary>
    public bool InitialDelayActive { get; set; }

    public Dictionary<(string Topic, int Partition), CommittedOffset> Offsets { get; } = [];

    public GroupMember? Find(string memberId) => Members.Find(m => m.Id == memberId);
}

/// <summary>A committed offset with its leader epoch and metadata.</summary>
internal sealed record CommittedOffset(long Offset, int LeaderEpoch, string Metadata);

/// <summary>One protocol (assignor) a member supports, with its subscription metadata.</summary>
internal sealed record MemberProtocol(string Name, byte[] Metadata);

/// <summary>One member of a group. Guarded by the coordinator's lock.</summary>
internal sealed class GroupMember(string id, string? groupInstanceId, string clientId)
{
    public string Id { get; } = id;

    public string? GroupInstanceId { get; } = groupInstanceId;

    public string ClientId { get; } = clientId;

    public TimeSpan SessionTimeout { get; set; }

    public TimeSpan RebalanceTimeout { get; set; }

    public IReadOnlyList<MemberProtocol> Protocols { get; set; } = [];

    /// <summary>The member's JoinGroup waiting for the rebalance to complete.</summary>
    public TaskCompletionSource<JoinGroupResponse>? PendingJoin { get; set; }

    /// <summary>The member's SyncGroup waiting for the leader's assignments.</summary>
    public TaskCompletionSource<SyncGroupResponse>? PendingSync { get; set; }

    public ReadOnlyMemory<byte> Assignment { get; set; }

    /// <summary>Time of the last heartbeat (or join, sync or commit), on the coordinator's clock.</summary>
    public TimeSpan LastHeartbeat { get; set; }

    /// <summary>A member waiting on a JoinGroup or SyncGroup answer cannot heartbeat, so its session does not lapse.</summary>
    public bool IsKeptAlive => PendingJoin is not null || PendingSync is not null;

    public TimeSpan SessionDeadline => LastHeartbeat + SessionTimeout;

    public bool Supports(string protocol) => Protocols.Any(p => p.Name == protocol);

    public ReadOnlyMemory<byte> MetadataFor(string? protocol) => Protocols.FirstOrDefault(p => p.Name == protocol)?.Metadata ?? ReadOnlyMemory<byte>.Empty;

    public bool HasSameProtocols(List<JoinGroupRequest.JoinGroupRequestProtocol> protocols) =>
        protocols.Count == Protocols.Count
        && protocols.Zip(Protocols).All(static p => p.First.Name == p.Second.Name && p.First.Metadata.Span.SequenceEqual(p.Second.Metadata));
}

/// <summary>A group as tests and diagnostics see it.</summary>
internal sealed record GroupSnapshot(string GroupId, GroupState State, int Generation, string? Protocol, string? Leader, IReadOnlyList<string> Members);
