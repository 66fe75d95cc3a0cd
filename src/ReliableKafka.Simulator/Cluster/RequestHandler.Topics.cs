using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// The topic admin APIs, answered by the controller only, as Kafka does: CreateTopics (with the topic configs Kafka
/// knows), DeleteTopics and CreatePartitions.
/// </summary>
internal sealed partial class RequestHandler
{
    /// <summary>CreateTopics, in its non-flexible versions.</summary>
    private static readonly ApiRegistration CreateTopicsApi = new(ApiKey.CreateTopics, 0, 4, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.CreateTopics(broker, CreateTopicsRequest.Read(ref body, header.ApiVersion)))));

    /// <summary>DeleteTopics, in its non-flexible versions.</summary>
    private static readonly ApiRegistration DeleteTopicsApi = new(ApiKey.DeleteTopics, 0, 3, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.DeleteTopics(broker, DeleteTopicsRequest.Read(ref body, header.ApiVersion)))));

    /// <summary>CreatePartitions, in its non-flexible versions; explicit replica assignments are refused.</summary>
    private static readonly ApiRegistration CreatePartitionsApi = new(ApiKey.CreatePartitions, 0, 1, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.CreatePartitions(broker, CreatePartitionsRequest.Read(ref body, header.ApiVersion)))));

    /// <summary>
    /// Topic configs Kafka knows besides the three the simulator enforces. CreateTopics accepts and stores them and
    /// DescribeConfigs reports them, but nothing acts on them; any other name is INVALID_CONFIG, as in Kafka.
    /// </summary>
    private static readonly FrozenSet<string> StoredOnlyTopicConfigs = FrozenSet.Create(
        StringComparer.Ordinal,
        CleanupPolicyConfig,
        "compression.type",
        "delete.retention.ms",
        "file.delete.delay.ms",
        "flush.messages",
        "flush.ms",
        "follower.replication.throttled.replicas",
        "index.interval.bytes",
        "leader.replication.throttled.replicas",
        "local.retention.bytes",
        "local.retention.ms",
        "max.compaction.lag.ms",
        "message.downconversion.enable",
        "message.format.version",
        "message.timestamp.after.max.ms",
        "message.timestamp.before.max.ms",
        "message.timestamp.difference.max.ms",
        "message.timestamp.type",
        "min.cleanable.dirty.ratio",
        "min.compaction.lag.ms",
        "preallocate",
        "remote.log.copy.disable",
        "remote.log.delete.on.disable",
        "remote.storage.enable",
        "retention.bytes",
        RetentionMsConfig,
        "segment.bytes",
        "segment.index.bytes",
        "segment.jitter.ms",
        "segment.ms");

    /// <summary>The configs each topic was given through CreateTopics, keyed by the topic instance (a re-created topic starts afresh).</summary>
    private readonly ConditionalWeakTable<TopicState, IReadOnlyDictionary<string, string>> _topicConfigOverrides = new();

    private CreatePartitionsResponse CreatePartitions(BrokerNode broker, CreatePartitionsRequest request)
    {
        var response = new CreatePartitionsResponse();
        foreach (var topic in request.Topics)
        {
            var (error, message) = NotControllerAnswer(broker) is { } notController ? notController
                : topic.Assignments is { Count: > 0 } ? (KafkaErrorCode.InvalidRequest, "Explicit replica assignments are not supported by the simulated cluster; leave them out to spread replicas round-robin.")
                : topic.Count > MaxPartitionsPerOperation ? TooManyPartitions(topic.Count)
                : _cluster.TryAddPartitions(topic.Name, topic.Count, request.ValidateOnly) is { } failure ? failure
                : (KafkaErrorCode.None, (string?)null);
            response.Results.Add(new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = topic.Name, ErrorCode = error, ErrorMessage = message });
        }

        return response;
    }

    private CreateTopicsResponse CreateTopics(BrokerNode broker, CreateTopicsRequest request)
    {
        var response = new CreateTopicsResponse();
        var duplicates = NamesGivenTwice(request.Topics.Select(static t => t.Name));
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in request.Topics.Where(t => answered.Add(t.Name)))
        {
            var (error, message) = NotControllerAnswer(broker) is { } notController ? notController
                : duplicates.Contains(topic.Name) ? (KafkaErrorCode.InvalidRequest, $"The request names topic '{topic.Name}' more than once.")
                : CreateOneTopic(topic, request.ValidateOnly);
            response.Topics.Add(new CreateTopicsResponse.CreatableTopicResult { Name = topic.Name, ErrorCode = error, ErrorMessage = message });
        }

        return response;
    }

    private (KafkaErrorCode Error, string? Message) CreateOneTopic(CreateTopicsRequest.CreatableTopic topic, bool validateOnly)
    {
        var name = topic.Name;
        if (!SimulatedCluster.IsValidTopicName(name))
        {
            return (KafkaErrorCode.InvalidTopicException, $"'{name}' is not a valid topic name: use 1-249 characters from a-z, A-Z, 0-9, '.', '_' and '-' (not '.' or '..').");
        }

        if (_cluster.FindTopic(name) is not null)
        {
            return (KafkaErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.");
        }

        var collision = _cluster.Topics.FirstOrDefault(t => string.Equals(TopicCollisionKey(t.Name), TopicCollisionKey(name), StringComparison.Ordinal));
        if (collision is not null)
        {
            return (KafkaErrorCode.InvalidTopicException, $"Topic '{name}' collides with existing topic '{collision.Name}': '.' and '_' are interchangeable in metric names.");
        }

        if (topic.Assignments.Count > 0)
        {
            return (KafkaErrorCode.InvalidRequest, topic.NumPartitions != -1 || topic.ReplicationFactor != -1
                ? "NumPartitions and ReplicationFactor must be -1 when replica assignments are given."
                : "This simulated cluster does not support explicit replica assignments: give NumPartitions and ReplicationFactor instead.");
        }

        var defaults = _cluster.Options.EffectiveDefaultTopic;
        var partitions = topic.NumPartitions == -1 ? defaults.Partitions : topic.NumPartitions;
        if (partitions < 1)
        {
            return (KafkaErrorCode.InvalidPartitions, $"Number of partitions was set to {topic.NumPartitions}: it must be positive, or -1 for the default ({defaults.Partitions}).");
        }

        if (partitions > MaxPartitionsPerOperation)
        {
            return TooManyPartitions(partitions);
        }

        var replicationFactor = topic.ReplicationFactor == -1 ? defaults.ReplicationFactor : topic.ReplicationFactor;
        if (replicationFactor < 1)
        {
            return (KafkaErrorCode.InvalidReplicationFactor, $"Replication factor was set to {topic.ReplicationFactor}: it must be positive, or -1 for the default ({defaults.ReplicationFactor}).");
        }

        var brokers = _cluster.Brokers.Count();
        if (replicationFactor > brokers)
        {
            return (KafkaErrorCode.InvalidReplicationFactor, $"Unable to replicate the partition {replicationFactor} time(s): the target replication factor of {replicationFactor} cannot be reached because only {brokers} broker(s) are registered.");
        }

        var settings = new TopicSettings(partitions, replicationFactor, defaults.MinInSyncReplicas, defaults.UncleanLeaderElection, defaults.MaxMessageBytes);
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var config in topic.Configs)
        {
            if (ApplyTopicConfig(config.Name, config.Value, ref settings, overrides) is { } invalid)
            {
                return (KafkaErrorCode.InvalidConfig, invalid);
            }
        }

        if (validateOnly)
        {
            return (KafkaErrorCode.None, null);
        }

        if (_cluster.TryCreateTopic(name, settings) is { } refused)
        {
            // Only a concurrent creation (auto-create, or another CreateTopics) can get here: everything else was checked.
            return _cluster.FindTopic(name) is null ? (KafkaErrorCode.InvalidRequest, refused) : (KafkaErrorCode.TopicAlreadyExists, refused);
        }

        if (_cluster.FindTopic(name) is { } created)
        {
            _topicConfigOverrides.AddOrUpdate(created, overrides);
        }

        return (KafkaErrorCode.None, null);
    }

    /// <summary>Validates one topic config from CreateTopics and applies it; returns null, or why the value is refused.</summary>
    private static string? ApplyTopicConfig(string name, string? rawValue, ref TopicSettings settings, Dictionary<string, string> overrides)
    {
        if (rawValue is null)
        {
            return $"Null value not supported for topic config {name}.";
        }

        var value = rawValue.Trim();
        switch (name)
        {
            case MinInSyncReplicasConfig:
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var minIsr) || minIsr < 1)
                {
                    return $"Invalid value '{rawValue}' for configuration {name}: it must be an integer of at least 1.";
                }

                settings = settings with { MinInSyncReplicas = minIsr };
                overrides[name] = minIsr.ToString(CultureInfo.InvariantCulture);
                return null;
            case UncleanLeaderElectionConfig:
                if (!bool.TryParse(value, out var unclean))
                {
                    return $"Invalid value '{rawValue}' for configuration {name}: it must be true or false.";
                }

                settings = settings with { UncleanLeaderElection = unclean };
                overrides[name] = ConfigText(unclean);
                return null;
            case MaxMessageBytesConfig:
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var maxBytes) || maxBytes < 0)
                {
                    return $"Invalid value '{rawValue}' for configuration {name}: it must be an integer of at least 0.";
                }

                settings = settings with { MaxMessageBytes = maxBytes };
                overrides[name] = maxBytes.ToString(CultureInfo.InvariantCulture);
                return null;
            default:
                if (!StoredOnlyTopicConfigs.Contains(name))
                {
                    return $"Unknown topic config name: {name}.";
                }

                overrides[name] = value;
                return null;
        }
    }

    private DeleteTopicsResponse DeleteTopics(BrokerNode broker, DeleteTopicsRequest request)
    {
        var response = new DeleteTopicsResponse();
        var duplicates = NamesGivenTwice(request.TopicNames);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in request.TopicNames.Where(answered.Add))
        {
            var error = NotControllerAnswer(broker) is not null ? KafkaErrorCode.NotController
                : duplicates.Contains(name) ? KafkaErrorCode.InvalidRequest
                : _cluster.FindTopic(name) is { } topic && _cluster.DeleteTopic(name) ? ForgetTopicConfigs(topic)
                : KafkaErrorCode.UnknownTopicOrPartition;
            response.Responses.Add(new DeleteTopicsResponse.DeletableTopicResult { Name = name, ErrorCode = error });
        }

        return response;
    }

    private KafkaErrorCode ForgetTopicConfigs(TopicState topic)
    {
        _topicConfigOverrides.Remove(topic);
        return KafkaErrorCode.None;
    }

    private (KafkaErrorCode, string?)? NotControllerAnswer(BrokerNode broker)
    {
        var controller = _cluster.ControllerId;
        return broker.Id == controller ? null : (KafkaErrorCode.NotController, $"Broker {broker.Id} is not the controller; the controller is broker {controller}.");
    }

    private static HashSet<string> NamesGivenTwice(IEnumerable<string> names) =>
        [.. names.GroupBy(static n => n, StringComparer.Ordinal).Where(static g => g.Skip(1).Any()).Select(static g => g.Key)];

    /// <summary>Kafka refuses topics whose names differ only in '.' versus '_', since both map to '_' in metric names.</summary>
    private static string TopicCollisionKey(string name) => name.Replace('.', '_');
}
