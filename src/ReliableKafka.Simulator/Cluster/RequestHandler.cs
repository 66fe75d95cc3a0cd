using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// Turns one request frame into one response frame (or none, for acks=0), following Kafka's broker semantics.
/// A malformed request throws <see cref="KafkaProtocolException"/> and its connection is closed. Each group of APIs
/// registers its handlers from its own partial file (produce and fetch here, groups, admin).
/// </summary>
internal sealed partial class RequestHandler
{
    private readonly SimulatedCluster _cluster;
    private readonly SortedDictionary<ApiKey, (short Min, short Max, Handler Handle)> _handlers = [];

    public RequestHandler(SimulatedCluster cluster)
    {
        _cluster = cluster;
        Register(ApiKey.Produce, 3, 8, async (broker, header, body, token) =>
            await ProduceAsync(broker, ProduceRequest.Read(ref body, header.ApiVersion), token).ConfigureAwait(false) is { } response
                ? Respond(header, response)
                : null);
        Register(ApiKey.Fetch, 4, 11, async (broker, header, body, token) =>
            Respond(header, await FetchAsync(broker, FetchRequest.Read(ref body, header.ApiVersion), token).ConfigureAwait(false)));
        Register(ApiKey.ListOffsets, 1, 5, (broker, header, body, _) =>
            Done(Respond(header, ListOffsets(broker, ListOffsetsRequest.Read(ref body, header.ApiVersion)))));
        Register(ApiKey.Metadata, 1, 8, (broker, header, body, _) =>
            Done(Respond(header, Metadata(broker, MetadataRequest.Read(ref body, header.ApiVersion), header.ApiVersion))));
        Register(ApiKey.ApiVersions, 0, 3, (_, header, body, _) =>
        {
            ApiVersionsRequest.Read(ref body, header.ApiVersion);
            return Done(Respond(header, ApiVersions()));
        });
        Register(ApiKey.InitProducerId, 0, 1, (broker, header, body, _) =>
        {
            InitProducerIdRequest.Read(ref body, header.ApiVersion);
            return Done(Respond(header, Injected(broker, ApiKey.InitProducerId) is var error and not KafkaErrorCode.None
                ? new InitProducerIdResponse { ErrorCode = error, ProducerId = -1, ProducerEpoch = -1 }
                : new InitProducerIdResponse { ProducerId = _cluster.NextProducerId(), ProducerEpoch = 0 }));
        });
        RegisterGroupApis();
        RegisterAdminApis();
    }

    /// <summary>Handles one request; returns the whole response frame (the caller disposes it), or null when none is sent.</summary>
    private delegate ValueTask<KafkaWriter?> Handler(BrokerNode broker, RequestHeader header, KafkaReader body, CancellationToken token);

    /// <summary>The APIs and versions this broker answers (non-flexible versions, plus ApiVersions v3).</summary>
    internal IEnumerable<(ApiKey Key, short Min, short Max)> Advertised => _handlers.Select(static h => (h.Key, h.Value.Min, h.Value.Max));

    public ValueTask<KafkaWriter?> HandleAsync(BrokerNode broker, ReadOnlyMemory<byte> frame, CancellationToken token)
    {
        var header = KafkaFrame.ReadRequestHeader(frame, out var body);
        var version = header.ApiVersion;
        if (header.ApiKey == ApiKey.ApiVersions && version > 3)
        {
            return Done(ApiVersionsFallback(header.CorrelationId));
        }

        if (!_handlers.TryGetValue(header.ApiKey, out var handler) || version < handler.Min || version > handler.Max)
        {
            throw new KafkaProtocolException($"{header.ApiKey} v{version} is not supported by this broker.");
        }

        return handler.Handle(broker, header, body, token);
    }

    /// <summary>Implemented in RequestHandler.Groups.cs: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch.</summary>
    partial void RegisterGroupApis();

    /// <summary>Implemented in RequestHandler.Admin.cs: CreateTopics, DeleteTopics, DescribeConfigs, CreatePartitions.</summary>
    partial void RegisterAdminApis();

    private void Register(ApiKey key, short min, short max, Handler handle) => _handlers[key] = (min, max, handle);

    private static ValueTask<KafkaWriter?> Done(KafkaWriter? response) => ValueTask.FromResult(response);

    private static KafkaWriter Respond<T>(RequestHeader header, T body)
        where T : IKafkaMessage<T> => Respond(header.ApiVersion, header.CorrelationId, body);

    /// <summary>The whole response frame in a pooled buffer; whoever sends it disposes it.</summary>
    private static KafkaWriter Respond<T>(short version, int correlationId, T body)
        where T : IKafkaMessage<T>
    {
        var writer = new KafkaWriter();
        KafkaFrame.WriteResponse(writer, version, correlationId, body);
        return writer;
    }

    private ApiVersionsResponse ApiVersions() =>
        ApiVersionRanges.CreateResponse([.. Advertised.Select(static a => new ApiVersionRange(a.Key, a.Min, a.Max))]);

    /// <summary>
    /// Kafka's answer to an ApiVersions version it does not know: a v0-shaped body with UNSUPPORTED_VERSION and only
    /// ApiVersions' own range, so the client retries with a version both sides know.
    /// </summary>
    private static KafkaWriter ApiVersionsFallback(int correlationId)
    {
        var writer = new KafkaWriter();
        ApiVersionRanges.WriteUnsupportedVersionResponse(writer, correlationId);
        return writer;
    }

    /// <summary>The error a fault injects into this request (for this partition), or None; records it in the ground truth.</summary>
    private KafkaErrorCode Injected(BrokerNode broker, ApiKey api, string? topic = null, int partition = -1)
    {
        if (!broker.Faults.Any)
        {
            return KafkaErrorCode.None;
        }

        var error = broker.Faults.TakeError(api, topic, partition);
        if (error != KafkaErrorCode.None)
        {
            _cluster.Truth.Add(TruthEventKind.ErrorInjected, topic, partition, broker.Id, detail: $"{api} answered with {KafkaErrors.Name(error)} (fault)", typed: e => e with { Api = api, Error = error });
        }

        return error;
    }

    private MetadataResponse Metadata(BrokerNode broker, MetadataRequest request, short version)
    {
        var allowCreate = version < 4 || request.AllowAutoTopicCreation;
        var response = new MetadataResponse
        {
            ClusterId = _cluster.Options.ClusterId,
            ControllerId = _cluster.ControllerId,
            Brokers = [.. _cluster.Brokers.Where(static b => b.IsUp && !b.IsFenced).Select(static b => new MetadataResponse.MetadataResponseBroker { NodeId = b.Id, Host = b.Host, Port = b.Port })],
        };
        var topics = request.Topics is null
            ? _cluster.Topics.Select(static t => (t.Name, (TopicState?)t))
            : request.Topics.Select(t => (t.Name, allowCreate ? _cluster.GetOrAutoCreate(t.Name) : _cluster.FindTopic(t.Name)));
        foreach (var (name, topic) in topics)
        {
            if (topic is null)
            {
                response.Topics.Add(new MetadataResponse.MetadataResponseTopic { Name = name, ErrorCode = KafkaErrorCode.UnknownTopicOrPartition });
                continue;
            }

            if (Injected(broker, ApiKey.Metadata, name) is var injected and not KafkaErrorCode.None)
            {
                response.Topics.Add(new MetadataResponse.MetadataResponseTopic { Name = name, ErrorCode = injected });
                continue;
            }

            var entry = new MetadataResponse.MetadataResponseTopic { Name = name };
            foreach (var partition in topic.Partitions)
            {
                var replicas = partition.ReplicaIds.ToList();
                entry.Partitions.Add(new MetadataResponse.MetadataResponsePartition
                {
                    ErrorCode = partition.Leader < 0 ? KafkaErrorCode.LeaderNotAvailable : KafkaErrorCode.None,
                    PartitionIndex = partition.Index,
                    LeaderId = partition.Leader,
                    LeaderEpoch = partition.LeaderEpoch,
                    ReplicaNodes = replicas,
                    IsrNodes = [.. partition.Isr],
                    OfflineReplicas = [.. replicas.Where(id => _cluster.Brokers.First(b => b.Id == id) is { IsUp: false })],
                });
            }

            response.Topics.Add(entry);
        }

        return response;
    }

    private async Task<ProduceResponse?> ProduceAsync(BrokerNode broker, ProduceRequest request, CancellationToken token)
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
                    : ValidateBatch(data.Records, out var incoming) is var invalid and not KafkaErrorCode.None ? invalid
                    : Append(broker, partition, incoming!, request.Acks, entry, waits);
                failed |= entry.ErrorCode != KafkaErrorCode.None;
            }
        }

        if (request.Acks == 0)
        {
            // Kafka sends nothing for acks=0, and closes the connection when an append failed.
            return failed ? throw new ConnectionClosedException("acks=0 append failed") : null;
        }

        if (waits.Count > 0)
        {
            var all = Task.WhenAll(waits.Select(static w => w.Wait));
            await Task.WhenAny(all, Task.Delay(Math.Max(0, request.TimeoutMs), token)).ConfigureAwait(false);
            foreach (var (entry, partition, wait) in waits)
            {
                entry.ErrorCode = wait.IsCompletedSuccessfully ? wait.Result : KafkaErrorCode.RequestTimedOut;
                if (entry.ErrorCode != KafkaErrorCode.None)
                {
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
                    _cluster.Truth.Add(TruthEventKind.Refused, topic.Name, entry.Index, broker.Id, detail: $"{KafkaErrors.Name(entry.ErrorCode)} ({(short)entry.ErrorCode}), acks={request.Acks}", typed: e => e with { Error = entry.ErrorCode, Acks = request.Acks });
                }
            }
        }

        return response;
    }

    private static KafkaErrorCode Append(
        BrokerNode broker,
        PartitionState partition,
        IncomingBatch incoming,
        short acks,
        ProduceResponse.PartitionProduceResponse entry,
        List<(ProduceResponse.PartitionProduceResponse, PartitionState, Task<KafkaErrorCode>)> waits)
    {
        var result = partition.AppendAsLeader(broker.Id, incoming, acks);
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

    /// <summary>Checks one v2 record batch (magic, length, count, CRC-32C, base offset 0) and copies it for the log.</summary>
    internal static KafkaErrorCode ValidateBatch(ReadOnlyMemory<byte>? records, out IncomingBatch? incoming)
    {
        incoming = null;
        if (records is not { } memory)
        {
            return KafkaErrorCode.InvalidRecord;
        }

        var error = RecordBatch.ValidateForAppend(memory.Span);
        if (error != KafkaErrorCode.None)
        {
            return error;
        }

        var header = RecordBatchHeader.Read(memory.Span);
        incoming = new IncomingBatch(memory.ToArray(), header.ProducerId, header.ProducerEpoch, header.BaseSequence, header.LastOffsetDelta);
        return KafkaErrorCode.None;
    }

    private ListOffsetsResponse ListOffsets(BrokerNode broker, ListOffsetsRequest request)
    {
        var response = new ListOffsetsResponse();
        foreach (var topic in request.Topics)
        {
            var topicResponse = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name };
            response.Topics.Add(topicResponse);
            foreach (var requested in topic.Partitions)
            {
                var partition = _cluster.FindPartition(topic.Name, requested.PartitionIndex);
                var entry = new ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = requested.PartitionIndex, Timestamp = -1, Offset = -1, LeaderEpoch = -1 };
                topicResponse.Partitions.Add(entry);
                if (partition is null)
                {
                    entry.ErrorCode = KafkaErrorCode.UnknownTopicOrPartition;
                    continue;
                }

                var (error, logStart, highWatermark) = Injected(broker, ApiKey.ListOffsets, topic.Name, requested.PartitionIndex) is var injected and not KafkaErrorCode.None
                    ? (injected, -1, -1)
                    : partition.Offsets(broker.Id);
                if (error != KafkaErrorCode.None)
                {
                    entry.ErrorCode = error;
                    continue;
                }

                entry.LeaderEpoch = partition.LeaderEpoch;
                entry.Offset = requested.Timestamp switch
                {
                    -2 => logStart,
                    -1 => highWatermark,
                    _ => OffsetForTimestamp(partition, broker.Id, requested.Timestamp, highWatermark),
                };
            }
        }

        return response;
    }

    /// <summary>The first offset of the first batch whose max timestamp reaches <paramref name="timestamp"/>, or the high watermark.</summary>
    private static long OffsetForTimestamp(PartitionState partition, int brokerId, long timestamp, long highWatermark)
    {
        foreach (var batch in partition.BatchesOf(brokerId))
        {
            if (batch.BaseOffset >= highWatermark)
            {
                break;
            }

            if (RecordBatchHeader.Read(batch.Data.Span).MaxTimestamp >= timestamp)
            {
                return batch.BaseOffset;
            }
        }

        return highWatermark;
    }

    private async Task<FetchResponse> FetchAsync(BrokerNode broker, FetchRequest request, CancellationToken token)
    {
        var deadline = _cluster.Time.GetTimestamp();
        var wait = TimeSpan.FromMilliseconds(Math.Max(0, request.MaxWaitMs));
        while (true)
        {
            var changed = _cluster.HighWatermarkChanged;
            var (response, bytes, errors) = FetchOnce(broker, request);
            var remaining = wait - _cluster.Time.GetElapsedTime(deadline);
            if (bytes >= Math.Max(1, request.MinBytes) || errors || remaining <= TimeSpan.Zero || !broker.IsUp)
            {
                return response;
            }

            try
            {
                await changed.WaitAsync(remaining, token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // MaxWaitMs passed: answer with what there is.
            }
        }
    }

    private (FetchResponse Response, int Bytes, bool Errors) FetchOnce(BrokerNode broker, FetchRequest request)
    {
        var response = new FetchResponse { SessionId = 0 };
        var total = 0;
        var errors = false;
        var budget = request.MaxBytes > 0 ? request.MaxBytes : int.MaxValue;
        foreach (var topic in request.Topics)
        {
            var topicResponse = new FetchResponse.FetchableTopicResponse { Topic = topic.Topic };
            response.Responses.Add(topicResponse);
            foreach (var requested in topic.Partitions)
            {
                var entry = new FetchResponse.PartitionData
                {
                    PartitionIndex = requested.Partition,
                    HighWatermark = -1,
                    LastStableOffset = -1,
                    LogStartOffset = -1,
                    PreferredReadReplica = -1,
                    AbortedTransactions = [],
                    Records = ReadOnlyMemory<byte>.Empty,
                };
                topicResponse.Partitions.Add(entry);
                var partition = _cluster.FindPartition(topic.Topic, requested.Partition);
                if (partition is null)
                {
                    entry.ErrorCode = KafkaErrorCode.UnknownTopicOrPartition;
                    errors = true;
                    continue;
                }

                var read = Injected(broker, ApiKey.Fetch, topic.Topic, requested.Partition) is var injected and not KafkaErrorCode.None
                    ? new ConsumerRead(injected, -1, -1, [])
                    : partition.ReadForConsumer(broker.Id, requested.FetchOffset, Math.Min(requested.PartitionMaxBytes, Math.Max(1, budget - total)));
                entry.ErrorCode = read.Error;
                entry.HighWatermark = read.HighWatermark;
                entry.LastStableOffset = read.HighWatermark;
                entry.LogStartOffset = read.LogStartOffset;
                if (read.Error != KafkaErrorCode.None)
                {
                    errors = true;
                    continue;
                }

                entry.Records = ReadOnlyMemory<byte>.Empty;
                if (read.Batches.Count > 0)
                {
                    // The stored batches go straight into the response buffer: no joined copy per partition.
                    entry.RecordBatches = [.. read.Batches.Select(static b => b.Data)];
                    total += read.Batches.Sum(static b => b.Data.Length);
                }
            }
        }

        return (response, total, errors);
    }
}
