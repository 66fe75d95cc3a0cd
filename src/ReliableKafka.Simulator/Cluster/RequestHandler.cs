using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// Turns one request into one response frame (or none, for acks=0), following Kafka's broker semantics. Each API is
/// registered once, at the top of the file that handles it (<c>RequestHandler.Produce.cs</c>, <c>.Fetch.cs</c>,
/// <c>.Metadata.cs</c>, <c>.Groups.cs</c>, <c>.Topics.cs</c>, <c>.Configs.cs</c>, <c>.Transactions.cs</c>), with the versions it accepts;
/// <see cref="ApiRegistry"/> collects them. A malformed request throws <see cref="KafkaProtocolException"/>, a request
/// for an API or version not served throws <see cref="UnsupportedRequestException"/>, and its connection is closed.
/// </summary>
internal sealed partial class RequestHandler(SimulatedCluster cluster)
{
    private readonly SimulatedCluster _cluster = cluster;
    private System.Collections.Concurrent.ConcurrentDictionary<ApiKey, ApiHandler>? _overrides;

    /// <summary>Every API the broker serves, each registered beside its handler.</summary>
    internal static IEnumerable<ApiRegistration> Registrations =>
    [
        ProduceApi,
        InitProducerIdApi,
        FetchApi,
        ListOffsetsApi,
        OffsetForLeaderEpochApi,
        MetadataApi,
        ApiVersionsApi,
        FindCoordinatorApi,
        JoinGroupApi,
        SyncGroupApi,
        HeartbeatApi,
        LeaveGroupApi,
        OffsetCommitApi,
        OffsetFetchApi,
        CreateTopicsApi,
        DeleteTopicsApi,
        CreatePartitionsApi,
        DescribeConfigsApi,
        AddPartitionsToTxnApi,
        AddOffsetsToTxnApi,
        EndTxnApi,
        TxnOffsetCommitApi,
    ];

    /// <summary>Answers one request whose header the connection has read; <paramref name="body"/> is positioned after it.</summary>
    public ValueTask<KafkaWriter?> HandleAsync(BrokerNode broker, RequestHeader header, KafkaReader body, CancellationToken token)
    {
        if (header.ApiKey == ApiKey.ApiVersions && header.ApiVersion > ApiVersionsApi.MaxVersion)
        {
            return Done(ApiVersionsFallback(header.CorrelationId));
        }

        if (!ApiRegistry.TryFind(header.ApiKey, out var api) || !api.Accepts(header.ApiVersion))
        {
            throw new UnsupportedRequestException(header.ApiKey, header.ApiVersion);
        }

        var handle = _overrides?.GetValueOrDefault(header.ApiKey) ?? api.Handle;
        return handle(this, broker, header, body, token);
    }

    /// <summary>
    /// Replaces the handler of a served API on this cluster only; the versions accepted stay the registered ones. Models
    /// a broker whose handler fails, to show that the failure stays on its own connection.
    /// </summary>
    internal void Override(ApiKey key, ApiHandler handle)
    {
        if (!ApiRegistry.TryFind(key, out _))
        {
            throw new ArgumentOutOfRangeException(nameof(key), key, "Only a served API can be overridden.");
        }

        LazyInitializer.EnsureInitialized(ref _overrides)[key] = handle;
    }

    /// <summary>
    /// The most partitions one CreateTopics topic or CreatePartitions count may ask for: Kafka's controller refuses an
    /// operation of more than 10000 metadata records with POLICY_VIOLATION ("excessively large batch operation").
    /// </summary>
    internal const int MaxPartitionsPerOperation = 10_000;

    private static (KafkaErrorCode Error, string? Message) TooManyPartitions(int partitions) =>
        (KafkaErrorCode.PolicyViolation, $"Unable to perform excessively large batch operation: {partitions} partitions, at most {MaxPartitionsPerOperation}.");

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
}
