using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>Metadata and ApiVersions: what a client asks first.</summary>
internal sealed partial class RequestHandler
{
    /// <summary>Metadata, in its non-flexible versions.</summary>
    private static readonly ApiRegistration MetadataApi = new(ApiKey.Metadata, 1, 9, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.Metadata(broker, MetadataRequest.Read(ref body, header.ApiVersion), header.ApiVersion))));

    /// <summary>ApiVersions, v3 (flexible) included; a higher version gets Kafka's v0-shaped UNSUPPORTED_VERSION answer.</summary>
    private static readonly ApiRegistration ApiVersionsApi = new(ApiKey.ApiVersions, 0, 3, static (_, _, header, body, _) =>
    {
        ApiVersionsRequest.Read(ref body, header.ApiVersion);
        return Done(Respond(header, ApiVersionRanges.CreateResponse(ApiRegistry.Ranges)));
    });

    /// <summary>
    /// Kafka's answer to an ApiVersions version it does not know: a v0-shaped body with UNSUPPORTED_VERSION and only
    /// ApiVersions' own range, so the client retries with a version both sides know.
    /// </summary>
    private static KafkaWriter ApiVersionsFallback(int correlationId)
    {
        var writer = new KafkaWriter();
        ApiVersionRanges.WriteUnsupportedVersionResponse(writer, correlationId, ApiVersionsApi.Range);
        return writer;
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
}
