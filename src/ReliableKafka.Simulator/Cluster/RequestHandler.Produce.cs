using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>Produce and InitProducerId: appends to partition leaders; idempotent and transactional producers.</summary>
internal sealed partial class RequestHandler
{
    /// <summary>Produce, in its non-flexible versions: one v2 record batch per partition; acks 0, 1 and all.</summary>
    private static readonly ApiRegistration ProduceApi = new(ApiKey.Produce, 3, 8, static async (handler, broker, header, body, token) =>
        await handler.ProduceAsync(broker, ProduceRequest.Read(ref body, header.ApiVersion), header.ApiVersion, token).ConfigureAwait(false) is { } response
            ? Respond(header, response)
            : null);

    /// <summary>
    /// InitProducerId, versions 0-4 (v2+ flexible; v3+ carry the producer's id and epoch, KIP-360): without a transactional id a new cluster-unique producer id at
    /// epoch 0 (any broker answers); with one, the transaction coordinator's producer id and a new epoch.
    /// </summary>
    private static readonly ApiRegistration InitProducerIdApi = new(ApiKey.InitProducerId, 0, 4, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.InitProducerId(broker, InitProducerIdRequest.Read(ref body, header.ApiVersion), header.ApiVersion))));

    private InitProducerIdResponse InitProducerId(BrokerNode broker, InitProducerIdRequest request, short version)
    {
        if (Injected(broker, ApiKey.InitProducerId) is var injected and not KafkaErrorCode.None)
        {
            return new InitProducerIdResponse { ErrorCode = injected, ProducerId = -1, ProducerEpoch = -1 };
        }

        if (request.TransactionalId is not { } transactionalId)
        {
            return new InitProducerIdResponse { ProducerId = _cluster.NextProducerId(), ProducerEpoch = 0 };
        }

        if (transactionalId.Length == 0)
        {
            return new InitProducerIdResponse { ErrorCode = KafkaErrorCode.InvalidRequest, ProducerId = -1, ProducerEpoch = -1 };
        }

        if (!IsCoordinator(broker, transactionalId))
        {
            return new InitProducerIdResponse { ErrorCode = KafkaErrorCode.NotCoordinator, ProducerId = -1, ProducerEpoch = -1 };
        }

        var (error, producerId, epoch) = _cluster.TransactionCoordinator.InitProducerId(broker.Id, transactionalId, request.TransactionTimeoutMs, request.ProducerId, request.ProducerEpoch, producerFencedKnown: version >= 4);
        return new InitProducerIdResponse { ErrorCode = error, ProducerId = producerId, ProducerEpoch = epoch };
    }

    private async Task<ProduceResponse?> ProduceAsync(BrokerNode broker, ProduceRequest request, short version, CancellationToken token)
    {
        var response = new ProduceResponse();
        var waits = new List<(ProduceResponse.PartitionProduceResponse Entry, PartitionState Partition, Task<KafkaErrorCode> Wait)>();
        var failed = false;
        foreach (var topic in request.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
            response.Responses.Add(topicResponse);
            var state = _cluster.FindTopic(topic.Name);
            foreach (var data in topic.PartitionData)
            {
                var entry = new ProduceResponse.PartitionProduceResponse { Index = data.Index, BaseOffset = -1, LogAppendTimeMs = -1, LogStartOffset = -1 };
                topicResponse.PartitionResponses.Add(entry);
                var partition = state is not null && data.Index >= 0 && data.Index < state.Partitions.Length ? state.Partitions[data.Index] : null;
                entry.ErrorCode = request.Acks is not (-1 or 0 or 1) ? KafkaErrorCode.InvalidRequiredAcks
                    : partition is null ? KafkaErrorCode.UnknownTopicOrPartition
                    : Injected(broker, ApiKey.Produce, topic.Name, data.Index) is var injected and not KafkaErrorCode.None ? injected
                    : ValidateBatch(data.Records, version, out var incoming) is { Error: not KafkaErrorCode.None } invalid ? Refuse(entry, invalid)
                    : Append(broker, partition, incoming!, request, entry, waits);
                failed |= entry.ErrorCode != KafkaErrorCode.None;
            }
        }

        if (request.Acks == 0)
        {
            // Kafka sends nothing for acks=0, and closes the connection when an append failed.
            return failed ? throw new ConnectionClosedException("acks=0 append failed") : null;
        }

        var appendedAt = new Dictionary<ProduceResponse.PartitionProduceResponse, long>(ReferenceEqualityComparer.Instance);
        if (waits.Count > 0)
        {
            var all = Task.WhenAll(waits.Select(static w => w.Wait));
            await Task.WhenAny(all, Task.Delay(Math.Max(0, request.TimeoutMs), token)).ConfigureAwait(false);
            foreach (var (entry, partition, wait) in waits)
            {
                entry.ErrorCode = wait.IsCompletedSuccessfully ? wait.Result : KafkaErrorCode.RequestTimedOut;
                if (entry.ErrorCode != KafkaErrorCode.None)
                {
                    // The batch is in the log although the answer is an error: the ground truth keeps where.
                    appendedAt[entry] = entry.BaseOffset;
                    entry.BaseOffset = -1;
                }
            }
        }

        foreach (var topic in response.Responses)
        {
            foreach (var entry in topic.PartitionResponses)
            {
                if (entry.ErrorCode == KafkaErrorCode.None)
                {
                    _cluster.Truth.Add(TruthEventKind.Acknowledged, topic.Name, entry.Index, broker.Id, entry.BaseOffset, detail: $"acks={request.Acks}", typed: e => e with { Acks = request.Acks });
                }
                else
                {
                    _cluster.Truth.Add(TruthEventKind.Refused, topic.Name, entry.Index, broker.Id, appendedAt.GetValueOrDefault(entry, -1), detail: $"{KafkaErrors.Name(entry.ErrorCode)} ({(short)entry.ErrorCode}), acks={request.Acks}", typed: e => e with { Error = entry.ErrorCode, Acks = request.Acks });
                }
            }
        }

        return response;
    }

    private KafkaErrorCode Append(
        BrokerNode broker,
        PartitionState partition,
        IncomingBatch incoming,
        ProduceRequest request,
        ProduceResponse.PartitionProduceResponse entry,
        List<(ProduceResponse.PartitionProduceResponse, PartitionState, Task<KafkaErrorCode>)> waits)
    {
        var acks = request.Acks;

        // A transactional batch is checked against its transaction first (epoch, partition added), as Kafka 3.6+ does.
        var result = incoming.IsTransactional
            ? _cluster.TransactionCoordinator.AppendTransactional(request.TransactionalId, partition, broker.Id, incoming, acks)
            : partition.AppendAsLeader(broker.Id, incoming, acks);
        if (result.Error != KafkaErrorCode.None)
        {
            return result.Error;
        }

        entry.BaseOffset = result.BaseOffset;
        entry.LogStartOffset = 0;
        if (acks == -1)
        {
            waits.Add((entry, partition, partition.WaitForHighWatermark(result.LastOffset + 1)));
        }

        return KafkaErrorCode.None;
    }

    /// <summary>
    /// Copies one partition's records for the log and checks the copy as Kafka's leader does
    /// (<see cref="ProducedBatchValidator"/>); the copy may be normalised (timestamp type, maxTimestamp).
    /// </summary>
    internal static BatchVerdict ValidateBatch(ReadOnlyMemory<byte>? records, short version, out IncomingBatch? incoming)
    {
        incoming = null;
        if (records is not { } memory)
        {
            return BatchVerdict.Invalid("null records");
        }

        var data = memory.ToArray();
        var verdict = ProducedBatchValidator.Check(data, version);
        if (verdict.Error != KafkaErrorCode.None)
        {
            return verdict;
        }

        var header = RecordBatchHeader.Read(data);
        incoming = new IncomingBatch(data, header.ProducerId, header.ProducerEpoch, header.BaseSequence, header.LastOffsetDelta);
        return verdict;
    }

    /// <summary>A refused batch: its error, and why in the response's error message (Produce v8).</summary>
    private static KafkaErrorCode Refuse(ProduceResponse.PartitionProduceResponse entry, BatchVerdict verdict)
    {
        entry.ErrorMessage = verdict.Problem;
        return verdict.Error;
    }
}
