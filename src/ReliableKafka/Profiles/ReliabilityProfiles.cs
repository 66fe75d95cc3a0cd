using System.Collections.Frozen;

namespace ReliableKafka;

/// <summary>
/// The producer defaults of each <see cref="ReliabilityProfile"/>, as librdkafka property names and values.
/// </summary>
public static class ReliabilityProfiles
{
    private static readonly FrozenDictionary<string, string> CriticalDefaults = new Dictionary<string, string>
    {
        ["acks"] = "all",
        ["enable.idempotence"] = "true",
        ["max.in.flight"] = "5",
        ["message.send.max.retries"] = "2147483647",
        ["retry.backoff.ms"] = "100",
        ["message.timeout.ms"] = "120000",
        ["request.timeout.ms"] = "30000",
        ["linger.ms"] = "5",
        ["batch.size"] = "16384",
        ["compression.type"] = "lz4",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, string> AnalyticsDefaults = new Dictionary<string, string>
    {
        ["acks"] = "1",
        ["enable.idempotence"] = "false",
        ["max.in.flight"] = "5",
        ["message.send.max.retries"] = "3",
        ["retry.backoff.ms"] = "100",
        ["message.timeout.ms"] = "30000",
        ["request.timeout.ms"] = "15000",
        ["linger.ms"] = "20",
        ["batch.size"] = "65536",
        ["compression.type"] = "lz4",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, string> MetricsDefaults = new Dictionary<string, string>
    {
        ["acks"] = "0",
        ["enable.idempotence"] = "false",
        ["max.in.flight"] = "5",
        ["message.send.max.retries"] = "0",
        ["message.timeout.ms"] = "30000",
        ["request.timeout.ms"] = "10000",
        ["linger.ms"] = "50",
        ["batch.size"] = "131072",
        ["compression.type"] = "lz4",
    }.ToFrozenDictionary();

    /// <summary>
    /// The producer defaults of <paramref name="profile"/>, keyed by librdkafka property name
    /// (the names Confluent.Kafka's <c>ProducerConfig</c> uses).
    /// </summary>
    /// <param name="profile">The profile.</param>
    /// <returns>The defaults. Critical: acks=all, idempotence, max.in.flight 5, retries MAX, retry.backoff.ms 100,
    /// delivery timeout 120000 ms, request timeout 30000 ms, linger.ms 5, batch.size 16384, lz4.</returns>
    public static IReadOnlyDictionary<string, string> GetDefaults(ReliabilityProfile profile) => profile switch
    {
        ReliabilityProfile.Critical => CriticalDefaults,
        ReliabilityProfile.Analytics => AnalyticsDefaults,
        ReliabilityProfile.Metrics => MetricsDefaults,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown reliability profile; use Critical, Analytics or Metrics."),
    };

    /// <summary>The topic settings a profile needs on the broker side.</summary>
    /// <param name="profile">The profile.</param>
    /// <returns>Replication factor, min.insync.replicas and whether unclean leader election may be on.</returns>
    public static TopicRequirements GetTopicRequirements(ReliabilityProfile profile) => profile switch
    {
        ReliabilityProfile.Critical => new TopicRequirements(3, 2, false),
        ReliabilityProfile.Analytics => new TopicRequirements(3, 1, false),
        ReliabilityProfile.Metrics => new TopicRequirements(1, 1, true),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown reliability profile; use Critical, Analytics or Metrics."),
    };
}

/// <summary>Topic settings a profile relies on.</summary>
/// <param name="ReplicationFactor">The minimum replication factor.</param>
/// <param name="MinInSyncReplicas">The min.insync.replicas the topic should have.</param>
/// <param name="UncleanLeaderElectionAllowed">Whether unclean.leader.election.enable may be true.</param>
public sealed record TopicRequirements(int ReplicationFactor, int MinInSyncReplicas, bool UncleanLeaderElectionAllowed);
