using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class GroupCoordinator
{
    /// <summary>Stores offsets once <see cref="ValidateCommit"/> accepts the committer.</summary>
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

    /// <summary>
    /// Checks the member behind a TxnOffsetCommit (v3 carries its generation and member id, KIP-447) as an OffsetCommit's:
    /// a producer that sends offsets for a generation the group has left behind is refused, so a zombie's offsets never land.
    /// </summary>
    public KafkaErrorCode ValidateTransactionalCommit(string groupId, int generationId, string memberId, string? groupInstanceId)
    {
        lock (_gate)
        {
            return ValidateCommit(new OffsetCommitRequest { GroupId = groupId, GenerationIdOrMemberEpoch = generationId, MemberId = memberId, GroupInstanceId = groupInstanceId }, Now);
        }
    }

    /// <summary>Stores the offsets of a committed transaction (the coordinator calls it once every marker is written).</summary>
    public void ApplyTransactionalOffsets(string groupId, IReadOnlyDictionary<(string Topic, int Partition), CommittedOffset> offsets)
    {
        lock (_gate)
        {
            var group = GetOrCreate(groupId);
            foreach (var (partition, offset) in offsets)
            {
                group.Offsets[partition] = offset;
            }
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

    /// <summary>
    /// Who may commit, as Kafka's OffsetMetadataManager and ClassicGroup.validateOffsetCommit decide (Dead groups are not
    /// modelled). A commit without a generation (an assign() consumer, an admin tool) is accepted while the group is
    /// empty or does not exist yet (a "simple" group is created); one with a generation for a group that does not exist
    /// is ILLEGAL_GENERATION (v9+, not advertised, would answer GROUP_ID_NOT_FOUND). Otherwise the member must exist (a
    /// static member's instance id must belong to it: UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID) and the generation match
    /// (ILLEGAL_GENERATION); a commit without member id and generation while the group has members is
    /// UNKNOWN_MEMBER_ID; a group completing a rebalance answers REBALANCE_IN_PROGRESS.
    /// </summary>
    private KafkaErrorCode ValidateCommit(OffsetCommitRequest request, TimeSpan now)
    {
        if (request.GroupId.Length == 0)
        {
            return KafkaErrorCode.InvalidGroupId;
        }

        var group = _groups.GetValueOrDefault(request.GroupId);
        if (group is null && request.GenerationIdOrMemberEpoch >= 0)
        {
            return KafkaErrorCode.IllegalGeneration;
        }

        if (request.GenerationIdOrMemberEpoch < 0 && (group is null || group.State == GroupState.Empty))
        {
            GetOrCreate(request.GroupId);
            return KafkaErrorCode.None;
        }

        if (request.GenerationIdOrMemberEpoch < 0 && request.MemberId.Length == 0 && request.GroupInstanceId is null)
        {
            return KafkaErrorCode.UnknownMemberId;
        }

        if (request.GroupInstanceId is { } instanceId && group!.Members.Find(m => m.GroupInstanceId == instanceId) is var owner
            && (owner is null || owner.Id != request.MemberId))
        {
            return owner is null ? KafkaErrorCode.UnknownMemberId : KafkaErrorCode.FencedInstanceId;
        }

        if (group!.Find(request.MemberId) is not { } member)
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
}
