using System.Globalization;
using ReliableKafka.Configuration;

namespace ReliableKafka.Cli.Advise;

/// <summary>
/// Maps <see cref="AdviceAnswers"/> to a profile, a producer configuration, topic settings and reasons. The profile's
/// defaults and topic requirements come from <see cref="ReliabilityProfiles"/>; the answers only tune batching
/// (linger.ms, batch.size) and fit the topic to the brokers there are. The result is checked with
/// <see cref="ProducerConfigValidator"/>, the rule set <c>rk lint</c> and the library use.
/// </summary>
internal static class Advisor
{
    /// <summary>From this rate (messages/s) batches are made larger.</summary>
    public const int HighRate = 10_000;

    /// <summary>From this rate batches are made larger still.</summary>
    public const int VeryHighRate = 50_000;

    /// <summary>Under this latency budget (ms) the Critical profile's replication round trip is a risk to the budget.</summary>
    public const int TightCriticalBudgetMs = 10;

    /// <summary>The order properties are listed in; others follow by name.</summary>
    private static readonly string[] Order =
    [
        KafkaProperties.BootstrapServers, KafkaProperties.Acks, KafkaProperties.EnableIdempotence, KafkaProperties.MaxInFlight,
        KafkaProperties.Retries, "retry.backoff.ms", KafkaProperties.DeliveryTimeout, KafkaProperties.RequestTimeout,
        KafkaProperties.Linger, "batch.size", "compression.type",
    ];

    public static ProducerAdvice Advise(AdviceAnswers answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.Brokers < 1 || answers.LatencyBudgetMs < 1 || answers.PeakRate < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(answers), "Brokers, latency budget and peak rate must be positive.");
        }

        var profile = answers.LossImpact switch
        {
            LossImpact.Critical => ReliabilityProfile.Critical,
            LossImpact.Minor => ReliabilityProfile.Analytics,
            _ => ReliabilityProfile.Metrics,
        };
        var reasons = new List<string>();
        var warnings = new List<string>();
        var settings = new Dictionary<string, string>(ReliabilityProfiles.GetDefaults(profile), StringComparer.Ordinal);

        reasons.Add(profile switch
        {
            ReliabilityProfile.Critical => "Critical: a lost event breaks something, so the producer waits for the in-sync replicas (acks=all) and retries until delivery.timeout.ms with idempotence, so a retry neither duplicates nor reorders.",
            ReliabilityProfile.Analytics => "Analytics: a lost event only skews a statistic, so the leader's acknowledgement is enough (acks=1); a leader crash can lose the events its followers had not copied.",
            _ => "Metrics: a lost sample goes unnoticed, so the producer does not wait for any acknowledgement (acks=0) and never retries.",
        });

        // Batching: wait at most a tenth of the latency budget to fill a batch, never longer than the profile does.
        var defaultLinger = Number(settings[KafkaProperties.Linger]);
        var linger = Math.Min(defaultLinger, answers.LatencyBudgetMs / 10);
        settings[KafkaProperties.Linger] = Text(linger);
        reasons.Add(linger < defaultLinger
            ? $"linger.ms {linger}: a batch waits at most a tenth of your {answers.LatencyBudgetMs} ms latency budget (the profile's default is {defaultLinger})."
            : $"linger.ms {linger}: the profile's batching wait, well within your {answers.LatencyBudgetMs} ms latency budget.");

        var defaultBatch = Number(settings["batch.size"]);
        var batch = Math.Max(defaultBatch, answers.PeakRate >= VeryHighRate ? 131_072 : answers.PeakRate >= HighRate ? 65_536 : 0);
        settings["batch.size"] = Text(batch);
        if (batch > defaultBatch)
        {
            reasons.Add($"batch.size {batch}: at {answers.PeakRate.ToString("N0", CultureInfo.InvariantCulture)} messages/s larger batches (lz4-compressed) mean fewer requests per broker.");
        }

        if (answers.PeakRate >= HighRate && linger < 5)
        {
            warnings.Add($"At {answers.PeakRate.ToString("N0", CultureInfo.InvariantCulture)} messages/s, linger.ms {linger} keeps batches small, so throughput costs many requests: allow a latency budget of 50 ms or more if you can.");
        }

        if (profile == ReliabilityProfile.Critical)
        {
            reasons.Add($"delivery.timeout.ms {settings[KafkaProperties.DeliveryTimeout]}: the producer keeps retrying through a leader election or a rolling restart instead of failing the event; your latency budget is the usual case, not this limit.");
            if (answers.LatencyBudgetMs < TightCriticalBudgetMs)
            {
                warnings.Add($"A {answers.LatencyBudgetMs} ms budget is tight for acks=all: each publish waits for a follower's copy, and a retry or a leader election takes far longer. Keep Critical and measure; do not trade acks=all for latency.");
            }
        }

        var topic = Topic(profile, answers.Brokers, reasons, warnings);
        Deduplication(profile, answers.ConsumersDeduplicate, reasons, warnings);
        Transactions(profile, answers, reasons, warnings);

        var bootstrap = string.IsNullOrWhiteSpace(answers.BootstrapServers)
            ? string.Join(',', Enumerable.Range(1, Math.Min(answers.Brokers, 3)).Select(static i => $"kafka-{i}:9092"))
            : answers.BootstrapServers.Trim();
        settings[KafkaProperties.BootstrapServers] = bootstrap;

        var producer = settings
            .OrderBy(static s => Array.IndexOf(Order, s.Key) is var i and >= 0 ? i : Order.Length)
            .ThenBy(static s => s.Key, StringComparer.Ordinal)
            .ToList();
        var findings = ProducerConfigValidator.Validate(producer.Select(static s => new KeyValuePair<string, string?>(s.Key, s.Value)), profile);
        return new ProducerAdvice(answers, profile, producer, topic, reasons, warnings, findings);
    }

    private static TopicAdvice Topic(ReliabilityProfile profile, int brokers, List<string> reasons, List<string> warnings)
    {
        var required = ReliabilityProfiles.GetTopicRequirements(profile);
        var replication = Math.Min(required.ReplicationFactor, brokers);
        var minInSync = Math.Min(required.MinInSyncReplicas, replication);
        var topic = new TopicAdvice(replication, minInSync, required.UncleanLeaderElectionAllowed);

        if (profile == ReliabilityProfile.Critical)
        {
            reasons.Add(replication >= 3
                ? $"Topic: replication factor {replication}, min.insync.replicas {minInSync}: an acknowledged event is on at least {minInSync} brokers, so one broker can fail or restart without losing it or stopping writes."
                : replication == 1
                    ? "Topic: replication factor 1, min.insync.replicas 1: the only broker holds the only copy."
                    : $"Topic: replication factor {replication}, min.insync.replicas {minInSync}: every acknowledged event is on both brokers.");
            reasons.Add("unclean.leader.election.enable false: an out-of-sync replica never becomes leader, so acknowledged events are never truncated away.");
            if (brokers == 2)
            {
                warnings.Add("Critical needs 3 brokers: with 2, writes stop (NOT_ENOUGH_REPLICAS, retried until delivery.timeout.ms) whenever one broker is down for a restart or an upgrade, and lowering min.insync.replicas to 1 would lose acknowledged events when the other fails. Add a third broker.");
            }
            else if (brokers == 1)
            {
                warnings.Add("Critical needs 3 brokers: with 1, every event has a single copy; losing that broker's disk loses them, and any restart stops writes. Add brokers until there are 3.");
            }
        }
        else if (profile == ReliabilityProfile.Analytics)
        {
            reasons.Add($"Topic: replication factor {replication}, min.insync.replicas {minInSync}, unclean.leader.election.enable false: copies keep the topic available while a broker restarts; acks=1 does not wait for them.");
            if (brokers == 1)
            {
                warnings.Add("With 1 broker the topic has a single copy and stops accepting events while that broker restarts.");
            }
        }
        else
        {
            reasons.Add($"Topic: replication factor {replication}, min.insync.replicas {minInSync}, unclean.leader.election.enable true: availability over consistency, since losing samples is acceptable.");
        }

        return topic;
    }

    private static void Deduplication(ReliabilityProfile profile, bool consumersDeduplicate, List<string> reasons, List<string> warnings)
    {
        switch (profile)
        {
            case ReliabilityProfile.Critical when consumersDeduplicate:
                reasons.Add("Idempotence removes the duplicates the producer's own retries would write; your consumers' deduplication by event id covers an event your service publishes again (after a possibly-persisted failure, a crash, an outbox relay).");
                break;
            case ReliabilityProfile.Critical:
                warnings.Add("Consumers do not deduplicate: idempotence only removes duplicates from the producer's own retries. An event your service publishes again (after a possibly-persisted failure, a crash before recording success, an outbox relay) arrives twice. Deduplicate by event id (the event-id header), or use transactions with read_committed consumers.");
                break;
            case ReliabilityProfile.Analytics:
                reasons.Add(consumersDeduplicate
                    ? "Retries (3) after a lost acknowledgement can write an event twice; your consumers drop the copy."
                    : "Retries (3) after a lost acknowledgement can write an event twice; counts may be slightly high unless consumers deduplicate by event id.");
                break;
            default:
                reasons.Add("acks=0 never retries, so there are no duplicates to remove, and samples lost in a broker failure are not sent again.");
                break;
        }
    }

    /// <summary>
    /// The two questions about exactly-once: are atomic multi-topic writes needed (transactions), and is
    /// at-least-once with idempotent consumers enough (it is, when no write must be atomic with another).
    /// </summary>
    private static void Transactions(ReliabilityProfile profile, AdviceAnswers answers, List<string> reasons, List<string> warnings)
    {
        if (answers.AtomicTopics)
        {
            reasons.Add("Several events must appear together (--atomic-topics yes): publish them in one Kafka transaction (ReliableKafka's TransactionalPublisher): add transactional.id, stable per instance and unique across instances (a second instance with the same id fences the first), "
                + "keep transaction.timeout.ms short (60000; it bounds how long a dead instance holds consumers back) and at least delivery.timeout.ms, and read with isolation.level=read_committed (librdkafka's and Java's default). A transaction costs a coordinator round trip and a marker per partition: commit many events at a time.");
            if (profile != ReliabilityProfile.Critical)
            {
                warnings.Add($"Transactions are idempotent with acks=all whatever the {profile} profile says: events that must appear together are Critical events.");
            }

            if (!answers.ConsumersDeduplicate)
            {
                warnings.Add("A transaction whose commit result was lost (TransactionStatus.Unknown) may have committed: without consumers that deduplicate by event id, publishing it again can write it twice.");
            }

            return;
        }

        if (profile == ReliabilityProfile.Critical)
        {
            reasons.Add(answers.ConsumersDeduplicate
                ? "No transactions: no event must appear together with another (--atomic-topics no), and at-least-once with consumers that deduplicate by event id gives each event's effect exactly once, without the cost of a transaction per write."
                : "No transactions: no event must appear together with another (--atomic-topics no). Exactly-once effects then come from consumers that deduplicate by event id (see the warning), not from transactions.");
        }
    }

    private static int Number(string value) => int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
