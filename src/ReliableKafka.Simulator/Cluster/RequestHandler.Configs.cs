using System.Globalization;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>DescribeConfigs for topic and broker resources; the simulator has no AlterConfigs.</summary>
internal sealed partial class RequestHandler
{
    /// <summary>DescribeConfigs, up to the version before documentation and config types (v3).</summary>
    private static readonly ApiRegistration DescribeConfigsApi = new(ApiKey.DescribeConfigs, 0, 2, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.DescribeConfigs(broker, DescribeConfigsRequest.Read(ref body, header.ApiVersion), header.ApiVersion))));

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

    private static sbyte BrokerConfigSource(bool isDefault) => isDefault ? DefaultConfigSource : StaticBrokerConfigSource;

    private static string ConfigText(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string ConfigText(bool value) => value ? "true" : "false";

    /// <summary>One config as DescribeConfigs reports it.</summary>
    private sealed record DescribedConfig(string Name, string Value, sbyte Source, bool ReadOnly = false, IReadOnlyList<DescribedConfig>? Synonyms = null);
}
