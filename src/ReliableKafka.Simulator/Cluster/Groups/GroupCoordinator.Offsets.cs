using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class GroupCoordinator
{
    /// <summary>Stores offsets. A generation below zero (assign() consumers, v0) skips the membership checks while the group is empty.</summary>
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

    private KafkaErrorCode ValidateCommit(OffsetCommitRequest request, TimeSpan now)
    {
        if (request.GroupId.Length == 0)
        {
            return KafkaErrorCode.InvalidGroupId;
        }

        // As Kafka's ClassicGroup.validateOffsetCommit: without a generation (an assign() consumer, an admin tool) a
        // commit is accepted only while the group is empty; with members, one without a member id is an unknown member.
        var group = _groups.GetValueOrDefault(request.GroupId);
        if (request.GenerationIdOrMemberEpoch < 0 && (group is null || group.State == GroupState.Empty))
        {
            GetOrCreate(request.GroupId);
            return KafkaErrorCode.None;
        }

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
}
