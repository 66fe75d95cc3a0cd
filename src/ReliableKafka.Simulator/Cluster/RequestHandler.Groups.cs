using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// FindCoordinator and the classic group APIs, in their non-flexible versions. The group state is cluster-wide
/// (<see cref="Groups"/>); each group is served by one live broker (<see cref="CoordinatorOf"/>), and the others
/// answer NOT_COORDINATOR.
/// </summary>
internal sealed partial class RequestHandler
{
    /// <summary>FindCoordinator, in its non-flexible versions: group (key type 0) and transaction (1) coordinators.</summary>
    private static readonly ApiRegistration FindCoordinatorApi = new(ApiKey.FindCoordinator, 0, 2, static (handler, _, header, body, _) =>
        Done(Respond(header, handler.FindCoordinator(FindCoordinatorRequest.Read(ref body, header.ApiVersion)))));

    /// <summary>JoinGroup, in its non-flexible versions.</summary>
    private static readonly ApiRegistration JoinGroupApi = new(ApiKey.JoinGroup, 0, 5, static (handler, broker, header, body, token) =>
        handler.JoinGroupAsync(broker, header, JoinGroupRequest.Read(ref body, header.ApiVersion), token));

    /// <summary>SyncGroup, in its non-flexible versions.</summary>
    private static readonly ApiRegistration SyncGroupApi = new(ApiKey.SyncGroup, 0, 3, static (handler, broker, header, body, token) =>
        handler.SyncGroupAsync(broker, header, SyncGroupRequest.Read(ref body, header.ApiVersion), token));

    /// <summary>Heartbeat, in its non-flexible versions.</summary>
    private static readonly ApiRegistration HeartbeatApi = new(ApiKey.Heartbeat, 0, 3, static (handler, broker, header, body, _) =>
    {
        var request = HeartbeatRequest.Read(ref body, header.ApiVersion);
        return Done(Respond(header, handler.IsCoordinator(broker, request.GroupId)
            ? handler.Groups.Heartbeat(request)
            : new HeartbeatResponse { ErrorCode = KafkaErrorCode.NotCoordinator }));
    });

    /// <summary>LeaveGroup, up to the version before batch leaves (v3).</summary>
    private static readonly ApiRegistration LeaveGroupApi = new(ApiKey.LeaveGroup, 0, 2, static (handler, broker, header, body, _) =>
    {
        var request = LeaveGroupRequest.Read(ref body, header.ApiVersion);
        return Done(Respond(header, handler.IsCoordinator(broker, request.GroupId)
            ? handler.Groups.Leave(request)
            : new LeaveGroupResponse { ErrorCode = KafkaErrorCode.NotCoordinator }));
    });

    /// <summary>OffsetCommit, in its non-flexible versions.</summary>
    private static readonly ApiRegistration OffsetCommitApi = new(ApiKey.OffsetCommit, 0, 7, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.OffsetCommit(broker, OffsetCommitRequest.Read(ref body, header.ApiVersion)))));

    /// <summary>OffsetFetch, in its non-flexible versions.</summary>
    private static readonly ApiRegistration OffsetFetchApi = new(ApiKey.OffsetFetch, 0, 5, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.OffsetFetch(broker, OffsetFetchRequest.Read(ref body, header.ApiVersion)))));

    private GroupCoordinator? _groups;

    /// <summary>The cluster's group coordinator, created on first use.</summary>
    internal GroupCoordinator Groups => LazyInitializer.EnsureInitialized(ref _groups, () => new GroupCoordinator(_cluster.Time)
    {
        IsStopped = group => CoordinatorOf(group) is var id and >= 0 && _cluster.Brokers.First(b => b.Id == id).Faults.IsPaused,
    });

    /// <summary>
    /// The broker that coordinates <paramref name="key"/> now, or -1 when every broker is down or fenced. A fenced broker
    /// coordinates nothing: in Kafka its __consumer_offsets partitions elect other leaders, and the coordinator moves with them.
    /// </summary>
    internal int CoordinatorOf(string key)
    {
        var brokers = _cluster.Brokers.ToList();
        return CoordinatorPlacement.CoordinatorFor(key, [.. brokers.Select(static b => b.Id)], id => brokers.Exists(b => b.Id == id && b.IsUp && !b.IsFenced));
    }

    private bool IsCoordinator(BrokerNode broker, string groupId) => broker.IsUp && CoordinatorOf(groupId) == broker.Id;

    private FindCoordinatorResponse FindCoordinator(FindCoordinatorRequest request)
    {
        if (request.KeyType is not (0 or 1))
        {
            return new FindCoordinatorResponse { ErrorCode = KafkaErrorCode.InvalidRequest, ErrorMessage = $"Unknown key type {request.KeyType}.", NodeId = -1, Port = -1 };
        }

        var id = CoordinatorOf(request.Key);
        return _cluster.Brokers.FirstOrDefault(b => b.Id == id && b.IsUp) is { } coordinator
            ? new FindCoordinatorResponse { NodeId = coordinator.Id, Host = coordinator.Host, Port = coordinator.Port }
            : new FindCoordinatorResponse { ErrorCode = KafkaErrorCode.CoordinatorNotAvailable, ErrorMessage = "No broker is up.", NodeId = -1, Port = -1 };
    }

    private async ValueTask<KafkaWriter?> JoinGroupAsync(BrokerNode broker, RequestHeader header, JoinGroupRequest request, CancellationToken token)
    {
        var response = IsCoordinator(broker, request.GroupId)
            ? await Groups.JoinAsync(request, header.ApiVersion, header.ClientId).WaitAsync(token).ConfigureAwait(false)
            : new JoinGroupResponse { ErrorCode = KafkaErrorCode.NotCoordinator, MemberId = request.MemberId };
        return Respond(header, response);
    }

    private async ValueTask<KafkaWriter?> SyncGroupAsync(BrokerNode broker, RequestHeader header, SyncGroupRequest request, CancellationToken token)
    {
        var response = IsCoordinator(broker, request.GroupId)
            ? await Groups.SyncAsync(request).WaitAsync(token).ConfigureAwait(false)
            : new SyncGroupResponse { ErrorCode = KafkaErrorCode.NotCoordinator };
        return Respond(header, response);
    }

    private OffsetCommitResponse OffsetCommit(BrokerNode broker, OffsetCommitRequest request)
    {
        if (IsCoordinator(broker, request.GroupId))
        {
            return Groups.Commit(request, (topic, partition) => _cluster.FindPartition(topic, partition) is not null);
        }

        return new OffsetCommitResponse
        {
            Topics = [.. request.Topics.Select(static t => new OffsetCommitResponse.OffsetCommitResponseTopic
            {
                Name = t.Name,
                Partitions = [.. t.Partitions.Select(static p => new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = KafkaErrorCode.NotCoordinator })],
            })],
        };
    }

    private OffsetFetchResponse OffsetFetch(BrokerNode broker, OffsetFetchRequest request)
    {
        if (IsCoordinator(broker, request.GroupId))
        {
            return Groups.FetchOffsets(request);
        }

        // v0-1 carry errors per partition only; v2+ also at the top.
        return new OffsetFetchResponse
        {
            ErrorCode = KafkaErrorCode.NotCoordinator,
            Topics = [.. (request.Topics ?? []).Select(static t => new OffsetFetchResponse.OffsetFetchResponseTopic
            {
                Name = t.Name,
                Partitions = [.. t.PartitionIndexes.Select(static p => new OffsetFetchResponse.OffsetFetchResponsePartition { PartitionIndex = p, CommittedOffset = -1, Metadata = string.Empty, ErrorCode = KafkaErrorCode.NotCoordinator })],
            })],
        };
    }
}
