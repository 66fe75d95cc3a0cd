using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// The admin APIs: CreateTopics and DeleteTopics (answered by the controller only, as Kafka does) and DescribeConfigs
/// for topic and broker resources. CreatePartitions is not advertised: a topic's partitions cannot grow yet.
/// </summary>
internal sealed partial class RequestHandler
{
    private const sbyte TopicResourceType = 2;
    private const sbyte BrokerResourceType = 4;

    private const sbyte DynamicTopicConfigSource = 1;
    private const sbyte StaticBrokerConfigSource = 4;
    private const sbyte DefaultConfigSource = 5;

    private const string MinInSyncReplicasConfig = "min.insync.replicas";
    private const string UncleanLeaderElectionConfig = "unclean.leader.election.enable";
    private const string MaxMessageBytesConfig = "max.message.bytes";
    private const string CleanupPolicyConfig = "cleanup.policy";
    private const string RetentionMsConfig = "retention.ms";

    // Kafka's built-in defaults, used to tell a value the cluster was configured with (STATIC_BROKER_CONFIG) from a default.
    private const int KafkaDefaultMinInSyncReplicas = 1;
    private const int KafkaDefaultMaxMessageBytes = 1_048_588;
    private const int KafkaDefaultReplicationFactor = 1;
    private const int KafkaDefaultPartitions = 1;
    private const long KafkaDefaultReplicaLagTimeMaxMs = 30_000;

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

    /// <summary>Registers CreateTopics 0-4, DeleteTopics 0-3 and DescribeConfigs 0-2.</summary>
    partial void RegisterAdminApis()
    {
        Register(ApiKey.CreateTopics, 0, 4, (broker, header, body, _) =>
            Done(Respond(header, CreateTopics(broker, CreateTopicsRequest.Read(ref body, header.ApiVersion)))));
        Register(ApiKey.DeleteTopics, 0, 3, (broker, header, body, _) =>
            Done(Respond(header, DeleteTopics(broker, DeleteTopicsRequest.Read(ref body, header.ApiVersion)))));
        Register(ApiKey.DescribeConfigs, 0, 2, (broker, header, body, _) =>
            Done(Respond(header, DescribeConfigs(broker, DescribeConfigsRequest.Read(ref body, header.ApiVersion), header.ApiVersion))));
        Register(ApiKey.CreatePartitions, 0, 1, (broker, header, body, _) =>
            Done(Respond(header, CreatePartitions(broker, CreatePartitionsRequest.Read(ref body, header.ApiVersion)))));
    }

    private CreatePartitionsResponse CreatePartitions(BrokerNode broker, CreatePartitionsRequest request)
    {
        var response = new CreatePartitionsResponse();
        foreach (var topic in request.Topics)
        {
            var (error, message) = NotControllerAnswer(broker) is { } notController ? notController
                : topic.Assignments is { Count: > 0 } ? (KafkaErrorCode.InvalidRequest, "Explicit replica assignments are not supported by the simulated cluster; leave them out to spread replicas round-robin.")
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

    private DescribeConfigsResponse DescribeConfigs(BrokerNode broker, DescribeConfigsRequest request, short version)
    {
        var response = new DescribeConfigsResponse();
        foreach (var resource in request.Resources)
        {
            var result = new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Results.Add(result);
            var (error, message, entries) = resource.ResourceType switch
            {
                TopicResourceType => DescribeTopicConfigs(resource.ResourceName),
                BrokerResourceType => DescribeBrokerConfigs(broker, resource.ResourceName),
                _ => (KafkaErrorCode.InvalidRequest, $"Resource type {resource.ResourceType} is not supported: describe topics (2) or brokers (4).", []),
            };
            result.ErrorCode = error;
            result.ErrorMessage = message;
            var keys = resource.ConfigurationKeys is { Count: > 0 } requested ? requested.ToHashSet(StringComparer.Ordinal) : null;
            foreach (var entry in entries.Where(e => keys is null || keys.Contains(e.Name)))
            {
                result.Configs.Add(ToConfigResult(entry, version, request.IncludeSynonyms));
            }
        }

        return response;
    }

    private (KafkaErrorCode, string?, IReadOnlyList<DescribedConfig>) DescribeTopicConfigs(string name)
    {
        if (!SimulatedCluster.IsValidTopicName(name))
        {
            return (KafkaErrorCode.InvalidTopicException, $"'{name}' is not a valid topic name.", []);
        }

        if (_cluster.FindTopic(name) is not { } topic)
        {
            return (KafkaErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist.", []);
        }

        var defaults = _cluster.Options.EffectiveDefaultTopic;
        var settings = topic.Settings;
        var overrides = _topicConfigOverrides.TryGetValue(topic, out var given) ? given : null;

        // A topic the cluster created itself (CreateTopic, auto-creation) has no record of what was set: a value that
        // differs from the broker-level default counts as set on the topic.
        bool IsSet(string config, bool differsFromBroker) => overrides?.ContainsKey(config) ?? differsFromBroker;

        var entries = new List<DescribedConfig>
        {
            TopicConfigEntry(
                MinInSyncReplicasConfig,
                ConfigText(settings.MinInSyncReplicas),
                IsSet(MinInSyncReplicasConfig, settings.MinInSyncReplicas != defaults.MinInSyncReplicas),
                new DescribedConfig(MinInSyncReplicasConfig, ConfigText(defaults.MinInSyncReplicas), BrokerConfigSource(defaults.MinInSyncReplicas == KafkaDefaultMinInSyncReplicas))),
            TopicConfigEntry(
                UncleanLeaderElectionConfig,
                ConfigText(settings.UncleanLeaderElection),
                IsSet(UncleanLeaderElectionConfig, settings.UncleanLeaderElection != defaults.UncleanLeaderElection),
                new DescribedConfig(UncleanLeaderElectionConfig, ConfigText(defaults.UncleanLeaderElection), BrokerConfigSource(!defaults.UncleanLeaderElection))),
            TopicConfigEntry(
                MaxMessageBytesConfig,
                ConfigText(settings.MaxMessageBytes),
                IsSet(MaxMessageBytesConfig, settings.MaxMessageBytes != defaults.MaxMessageBytes),
                new DescribedConfig("message.max.bytes", ConfigText(defaults.MaxMessageBytes), BrokerConfigSource(defaults.MaxMessageBytes == KafkaDefaultMaxMessageBytes))),
        };
        foreach (var (config, fallback, brokerSynonym) in new[]
        {
            (CleanupPolicyConfig, "delete", new DescribedConfig("log.cleanup.policy", "delete", DefaultConfigSource)),
            (RetentionMsConfig, "604800000", new DescribedConfig("log.retention.hours", "168", DefaultConfigSource)),
        })
        {
            var value = overrides?.GetValueOrDefault(config);
            entries.Add(TopicConfigEntry(config, value ?? fallback, value is not null, brokerSynonym));
        }

        if (overrides is not null)
        {
            entries.AddRange(overrides
                .Where(o => !entries.Any(e => e.Name == o.Key))
                .Select(static o => new DescribedConfig(o.Key, o.Value, DynamicTopicConfigSource)));
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return (KafkaErrorCode.None, null, entries);
    }

    private static DescribedConfig TopicConfigEntry(string name, string value, bool setOnTopic, DescribedConfig brokerSynonym) =>
        setOnTopic
            ? new DescribedConfig(name, value, DynamicTopicConfigSource, Synonyms: [new DescribedConfig(name, value, DynamicTopicConfigSource), brokerSynonym])
            : new DescribedConfig(name, value, brokerSynonym.Source, Synonyms: [brokerSynonym]);

    private (KafkaErrorCode, string?, IReadOnlyList<DescribedConfig>) DescribeBrokerConfigs(BrokerNode broker, string name)
    {
        if (name.Length == 0)
        {
            // The cluster-wide default resource: only dynamic cluster defaults are listed there, and there are none.
            return (KafkaErrorCode.None, null, []);
        }

        if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id != broker.Id)
        {
            return (KafkaErrorCode.InvalidRequest, $"Unexpected broker id: broker {broker.Id} describes itself ('{broker.Id}') or the cluster defaults (''), not '{name}'.", []);
        }

        var options = _cluster.Options;
        var defaults = options.EffectiveDefaultTopic;
        var lagMs = (long)options.ReplicaLagTimeMax.TotalMilliseconds;
        return (KafkaErrorCode.None, null,
        [
            BrokerConfigEntry("auto.create.topics.enable", ConfigText(options.AutoCreateTopics), options.AutoCreateTopics),
            BrokerConfigEntry("broker.id", ConfigText(broker.Id), isDefault: false),
            BrokerConfigEntry("default.replication.factor", ConfigText(defaults.ReplicationFactor), defaults.ReplicationFactor == KafkaDefaultReplicationFactor),
            BrokerConfigEntry("message.max.bytes", ConfigText(defaults.MaxMessageBytes), defaults.MaxMessageBytes == KafkaDefaultMaxMessageBytes),
            BrokerConfigEntry(MinInSyncReplicasConfig, ConfigText(defaults.MinInSyncReplicas), defaults.MinInSyncReplicas == KafkaDefaultMinInSyncReplicas),
            BrokerConfigEntry("num.partitions", ConfigText(defaults.Partitions), defaults.Partitions == KafkaDefaultPartitions),
            BrokerConfigEntry("replica.lag.time.max.ms", lagMs.ToString(CultureInfo.InvariantCulture), lagMs == KafkaDefaultReplicaLagTimeMaxMs),
            BrokerConfigEntry(UncleanLeaderElectionConfig, ConfigText(defaults.UncleanLeaderElection), !defaults.UncleanLeaderElection),
        ]);
    }

    /// <summary>A broker config; all are read-only, since the simulator has no AlterConfigs.</summary>
    private static DescribedConfig BrokerConfigEntry(string name, string value, bool isDefault)
    {
        var source = BrokerConfigSource(isDefault);
        return new DescribedConfig(name, value, source, ReadOnly: true, Synonyms: [new DescribedConfig(name, value, source)]);
    }

    private static DescribeConfigsResponse.DescribeConfigsResourceResult ToConfigResult(DescribedConfig entry, short version, bool includeSynonyms) => new()
    {
        Name = entry.Name,
        Value = entry.Value,
        ReadOnly = entry.ReadOnly,
        IsDefault = entry.Source == DefaultConfigSource,
        ConfigSource = version >= 1 ? entry.Source : (sbyte)-1,
        IsSensitive = false,
        Synonyms = includeSynonyms && version >= 1
            ? [.. (entry.Synonyms ?? []).Select(static s => new DescribeConfigsResponse.DescribeConfigsSynonym { Name = s.Name, Value = s.Value, Source = s.Source })]
            : [],
    };

    private (KafkaErrorCode, string?)? NotControllerAnswer(BrokerNode broker)
    {
        var controller = _cluster.ControllerId;
        return broker.Id == controller ? null : (KafkaErrorCode.NotController, $"Broker {broker.Id} is not the controller; the controller is broker {controller}.");
    }

    private static HashSet<string> NamesGivenTwice(IEnumerable<string> names) =>
        [.. names.GroupBy(static n => n, StringComparer.Ordinal).Where(static g => g.Skip(1).Any()).Select(static g => g.Key)];

    private static sbyte BrokerConfigSource(bool isDefault) => isDefault ? DefaultConfigSource : StaticBrokerConfigSource;

    private static string ConfigText(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string ConfigText(bool value) => value ? "true" : "false";

    /// <summary>Kafka refuses topics whose names differ only in '.' versus '_', since both map to '_' in metric names.</summary>
    private static string TopicCollisionKey(string name) => name.Replace('.', '_');

    /// <summary>One config as DescribeConfigs reports it.</summary>
    private sealed record DescribedConfig(string Name, string Value, sbyte Source, bool ReadOnly = false, IReadOnlyList<DescribedConfig>? Synonyms = null);
}
