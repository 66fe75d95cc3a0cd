using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// The transaction APIs a transactional producer sends (InitProducerId with a transactional id is in
/// <c>RequestHandler.Produce.cs</c>): AddPartitionsToTxn, AddOffsetsToTxn and EndTxn go to the transaction coordinator
/// of the id (<see cref="CoordinatorOf"/>, FindCoordinator key type 1), TxnOffsetCommit to the group coordinator. Each
/// is served in the versions clients send (0-3; 3 is flexible). The state lives in <see cref="TransactionCoordinator"/>.
/// </summary>
internal sealed partial class RequestHandler
{
    /// <summary>AddPartitionsToTxn, the client versions (0-3): the partitions join the producer's open transaction.</summary>
    private static readonly ApiRegistration AddPartitionsToTxnApi = new(ApiKey.AddPartitionsToTxn, 0, 3, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.AddPartitionsToTxn(broker, AddPartitionsToTxnRequest.Read(ref body, header.ApiVersion), header.ApiVersion))));

    /// <summary>AddOffsetsToTxn, versions 0-3: the group's offsets join the producer's open transaction.</summary>
    private static readonly ApiRegistration AddOffsetsToTxnApi = new(ApiKey.AddOffsetsToTxn, 0, 3, static (handler, broker, header, body, _) =>
    {
        var request = AddOffsetsToTxnRequest.Read(ref body, header.ApiVersion);
        var error = handler.Injected(broker, ApiKey.AddOffsetsToTxn) is var injected and not KafkaErrorCode.None ? injected
            : !handler.IsCoordinator(broker, request.TransactionalId) ? KafkaErrorCode.NotCoordinator
            : handler._cluster.TransactionCoordinator.AddOffsets(broker.Id, request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.GroupId, ProducerFencedKnown(header.ApiVersion));
        return Done(Respond(header, new AddOffsetsToTxnResponse { ErrorCode = error }));
    });

    /// <summary>EndTxn, versions 0-3: commit or abort the open transaction; the markers follow in the background.</summary>
    private static readonly ApiRegistration EndTxnApi = new(ApiKey.EndTxn, 0, 3, static (handler, broker, header, body, _) =>
    {
        var request = EndTxnRequest.Read(ref body, header.ApiVersion);
        var error = handler.Injected(broker, ApiKey.EndTxn) is var injected and not KafkaErrorCode.None ? injected
            : !handler.IsCoordinator(broker, request.TransactionalId) ? KafkaErrorCode.NotCoordinator
            : handler._cluster.TransactionCoordinator.EndTransaction(broker.Id, request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.Committed, ProducerFencedKnown(header.ApiVersion));
        return Done(Respond(header, new EndTxnResponse { ErrorCode = error }));
    });

    /// <summary>TxnOffsetCommit, versions 0-3 (v3 carries the member's generation, KIP-447): offsets that take effect when the transaction commits.</summary>
    private static readonly ApiRegistration TxnOffsetCommitApi = new(ApiKey.TxnOffsetCommit, 0, 3, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.TxnOffsetCommit(broker, TxnOffsetCommitRequest.Read(ref body, header.ApiVersion)))));

    /// <summary>PRODUCER_FENCED (90) is known to AddPartitionsToTxn, AddOffsetsToTxn and EndTxn from v2; older versions get INVALID_PRODUCER_EPOCH, as Kafka maps it.</summary>
    private static bool ProducerFencedKnown(short version) => version >= 2;

    private AddPartitionsToTxnResponse AddPartitionsToTxn(BrokerNode broker, AddPartitionsToTxnRequest request, short version)
    {
        var wanted = request.Topics.SelectMany(static t => t.Partitions.Select(p => (t.Name, p))).ToList();
        var unknown = wanted.Where(w => _cluster.FindPartition(w.Name, w.p) is null).ToHashSet();
        KafkaErrorCode Error((string, int) partition) => unknown.Contains(partition) ? KafkaErrorCode.UnknownTopicOrPartition : KafkaErrorCode.OperationNotAttempted;

        KafkaErrorCode all;
        Func<(string, int), KafkaErrorCode> each;
        if (Injected(broker, ApiKey.AddPartitionsToTxn) is var injected and not KafkaErrorCode.None)
        {
            (all, each) = (injected, _ => injected);
        }
        else if (!IsCoordinator(broker, request.TransactionalId))
        {
            (all, each) = (KafkaErrorCode.NotCoordinator, static _ => KafkaErrorCode.NotCoordinator);
        }
        else if (unknown.Count > 0)
        {
            // As Kafka: the unknown partitions say why, the others that nothing was done.
            (all, each) = (KafkaErrorCode.UnknownTopicOrPartition, Error);
        }
        else
        {
            all = _cluster.TransactionCoordinator.AddPartitions(broker.Id, request.TransactionalId, request.ProducerId, request.ProducerEpoch, wanted, ProducerFencedKnown(version));
            each = _ => all;
        }

        return new AddPartitionsToTxnResponse
        {
            Results = [.. request.Topics.Select(t => new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult
            {
                Name = t.Name,
                Results = [.. t.Partitions.Select(p => new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult { PartitionIndex = p, PartitionErrorCode = each((t.Name, p)) })],
            })],
        };
    }

    private TxnOffsetCommitResponse TxnOffsetCommit(BrokerNode broker, TxnOffsetCommitRequest request)
    {
        var error = Injected(broker, ApiKey.TxnOffsetCommit) is var injected and not KafkaErrorCode.None ? injected
            : !IsCoordinator(broker, request.GroupId) ? KafkaErrorCode.NotCoordinator
            : KafkaErrorCode.None;
        if (error == KafkaErrorCode.None && (request.GenerationId >= 0 || request.MemberId.Length > 0))
        {
            // KIP-447: a producer that sends offsets for a member or generation the group no longer has is a zombie.
            error = Groups.ValidateTransactionalCommit(request.GroupId, request.GenerationId, request.MemberId, request.GroupInstanceId);
        }

        var unknown = new HashSet<(string, int)>();
        if (error == KafkaErrorCode.None)
        {
            var offsets = new Dictionary<(string Topic, int Partition), CommittedOffset>();
            foreach (var topic in request.Topics)
            {
                foreach (var partition in topic.Partitions)
                {
                    if (_cluster.FindPartition(topic.Name, partition.PartitionIndex) is null)
                    {
                        unknown.Add((topic.Name, partition.PartitionIndex));
                        continue;
                    }

                    offsets[(topic.Name, partition.PartitionIndex)] = new CommittedOffset(partition.CommittedOffset, partition.CommittedLeaderEpoch, partition.CommittedMetadata ?? string.Empty);
                }
            }

            error = _cluster.TransactionCoordinator.CommitOffsets(request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.GroupId, offsets);
        }

        return new TxnOffsetCommitResponse
        {
            Topics = [.. request.Topics.Select(t => new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic
            {
                Name = t.Name,
                Partitions = [.. t.Partitions.Select(p => new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition
                {
                    PartitionIndex = p.PartitionIndex,
                    ErrorCode = unknown.Contains((t.Name, p.PartitionIndex)) ? KafkaErrorCode.UnknownTopicOrPartition : error,
                })],
            })],
        };
    }
}
