using System.Globalization;

namespace ReliableKafka.Configuration;

/// <summary>
/// Checks a producer configuration (librdkafka property names and values) against the rule set
/// <see cref="RuleIds"/>. Used when a producer is built, at host start-up, and by <c>rk lint</c>.
/// </summary>
public static class ProducerConfigValidator
{
    // librdkafka's defaults, used when a property is not set.
    private const long DefaultDeliveryTimeoutMs = 300_000;
    private const long DefaultLingerMs = 5;
    private const long DefaultRequestTimeoutMs = 30_000;
    private const long DefaultSocketTimeoutMs = 60_000;
    private const string SocketTimeout = "socket.timeout.ms";
    private const long DefaultRetries = int.MaxValue;
    private const long DefaultMaxInFlight = 1_000_000;
    private const long MinimumRecommendedDeliveryTimeoutMs = 30_000;

    private static readonly string[] IntegerProperties =
    [
        KafkaProperties.MaxInFlight, KafkaProperties.Retries, KafkaProperties.DeliveryTimeout, KafkaProperties.Linger,
        KafkaProperties.RequestTimeout, "retry.backoff.ms", "batch.size", "batch.num.messages", "message.max.bytes",
        "queue.buffering.max.messages", "queue.buffering.max.kbytes", KafkaProperties.StatisticsInterval, SocketTimeout,
        KafkaProperties.TransactionTimeout,
    ];

    /// <summary>
    /// Validates <paramref name="settings"/> as the complete configuration of a producer.
    /// </summary>
    /// <param name="settings">Property names (librdkafka names or their aliases) and values.</param>
    /// <param name="profile">The profile the producer claims, or null for a configuration without one (lint).</param>
    /// <returns>Every finding, errors first. Messages never contain the value of a secret.</returns>
    public static IReadOnlyList<ConfigFinding> Validate(IEnumerable<KeyValuePair<string, string?>> settings, ReliabilityProfile? profile)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var findings = new List<ConfigFinding>();
        var values = new Dictionary<string, (string Original, string? Value)>(StringComparer.Ordinal);
        foreach (var (key, value) in settings)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                continue;
            }

            if (!KafkaProperties.IsKnown(key))
            {
                var suggestion = Suggest(key);
                findings.Add(new ConfigFinding(
                    RuleIds.UnknownProperty,
                    FindingSeverity.Error,
                    key,
                    suggestion is null
                        ? $"'{key}' is not a producer property librdkafka knows."
                        : $"'{key}' is not a producer property librdkafka knows; did you mean '{suggestion}'?",
                    suggestion is null
                        ? "Remove it, or correct its name (see librdkafka's CONFIGURATION.md)."
                        : $"Rename it to '{suggestion}'."));
                continue;
            }

            values[KafkaProperties.Canonical(key)] = (key.Trim(), value?.Trim());
        }

        var context = new Context(values, findings);
        CheckBootstrap(context);
        foreach (var integer in IntegerProperties)
        {
            _ = context.Integer(integer);
        }

        var acks = context.Acks();
        var idempotence = context.Boolean(KafkaProperties.EnableIdempotence);
        var maxInFlight = context.Integer(KafkaProperties.MaxInFlight);
        var retries = context.Integer(KafkaProperties.Retries);

        if (idempotence == true)
        {
            if (acks is { } a && a != AcksAll)
            {
                findings.Add(new ConfigFinding(
                    RuleIds.IdempotenceRequiresAcksAll, FindingSeverity.Error, context.Name(KafkaProperties.Acks),
                    $"enable.idempotence=true requires acks=all, but acks is {a}.",
                    "Set acks=all (or remove it: librdkafka then uses all)."));
            }

            if (maxInFlight is > 5)
            {
                findings.Add(new ConfigFinding(
                    RuleIds.IdempotenceRequiresMaxInFlight5, FindingSeverity.Error, context.Name(KafkaProperties.MaxInFlight),
                    $"enable.idempotence=true requires {context.Name(KafkaProperties.MaxInFlight)} <= 5, but it is {maxInFlight}.",
                    $"Set {context.Name(KafkaProperties.MaxInFlight)} to 5 (the broker keeps order and removes duplicates for up to 5 requests in flight)."));
            }

            if (retries is 0)
            {
                findings.Add(new ConfigFinding(
                    RuleIds.IdempotenceRequiresRetries, FindingSeverity.Error, context.Name(KafkaProperties.Retries),
                    $"enable.idempotence=true requires {context.Name(KafkaProperties.Retries)} > 0, but it is 0.",
                    $"Remove {context.Name(KafkaProperties.Retries)} (the default retries until delivery.timeout.ms) or set it to 2147483647."));
            }
        }

        CheckTransactions(context, acks, idempotence);
        CheckTimeouts(context, profile);
        if (idempotence == true || (idempotence is null && profile == ReliabilityProfile.Critical))
        {
            CheckRoomToRetry(context);
        }

        if (profile == ReliabilityProfile.Critical)
        {
            if (acks is 0 or 1)
            {
                findings.Add(new ConfigFinding(
                    RuleIds.CriticalRequiresAcksAll, FindingSeverity.Error, context.Name(KafkaProperties.Acks),
                    $"acks={acks} under the Critical profile: an acknowledged event is lost when the leader fails before its followers copy it.",
                    "Set acks=all, or publish these events with the Analytics (acks=1) or Metrics (acks=0) profile."));
            }

            if (idempotence == false)
            {
                findings.Add(new ConfigFinding(
                    RuleIds.CriticalRequiresIdempotence, FindingSeverity.Error, context.Name(KafkaProperties.EnableIdempotence),
                    "enable.idempotence=false under the Critical profile: a retry after a lost acknowledgement writes the event twice, and retries can reorder it.",
                    "Set enable.idempotence=true (or remove it: the Critical profile turns it on)."));
            }
        }

        var reorders = idempotence != true
            && (acks ?? AcksAll) != 0
            && (retries ?? DefaultRetries) > 0
            && (maxInFlight ?? DefaultMaxInFlight) > 1;
        if (reorders)
        {
            findings.Add(new ConfigFinding(
                RuleIds.ReorderingRisk,
                profile is ReliabilityProfile.Analytics or ReliabilityProfile.Metrics ? FindingSeverity.Info : FindingSeverity.Warning,
                context.Name(KafkaProperties.MaxInFlight),
                $"Retries without idempotence and {context.Name(KafkaProperties.MaxInFlight)}={maxInFlight ?? DefaultMaxInFlight} can reorder events: a retried batch can land after a later one, and a lost acknowledgement duplicates it.",
                $"Set enable.idempotence=true (keeps order with up to 5 in flight), or set {context.Name(KafkaProperties.MaxInFlight)}=1."));
        }

        findings.Sort(static (x, y) => y.Severity != x.Severity
            ? y.Severity.CompareTo(x.Severity)
            : string.CompareOrdinal(x.RuleId, y.RuleId));
        return findings;
    }

    /// <summary>Validates and returns only the errors.</summary>
    /// <param name="settings">Property names and values.</param>
    /// <param name="profile">The claimed profile, if any.</param>
    /// <returns>The findings of severity <see cref="FindingSeverity.Error"/>.</returns>
    public static IReadOnlyList<ConfigFinding> Errors(IEnumerable<KeyValuePair<string, string?>> settings, ReliabilityProfile? profile) =>
        [.. Validate(settings, profile).Where(static f => f.Severity == FindingSeverity.Error)];

    private const int AcksAll = -1;

    private static void CheckBootstrap(Context context)
    {
        var bootstrap = context.Raw(KafkaProperties.BootstrapServers);
        if (string.IsNullOrWhiteSpace(bootstrap))
        {
            context.Findings.Add(new ConfigFinding(
                RuleIds.MissingBootstrapServers, FindingSeverity.Error, KafkaProperties.BootstrapServers,
                "bootstrap.servers is missing: the producer has no broker to connect to.",
                "Set bootstrap.servers to a comma-separated list of host:port, for example 'kafka-1:9092,kafka-2:9092,kafka-3:9092'."));
        }
    }

    private static void CheckTimeouts(Context context, ReliabilityProfile? profile)
    {
        var delivery = context.Integer(KafkaProperties.DeliveryTimeout) ?? DefaultDeliveryTimeoutMs;
        var linger = context.Integer(KafkaProperties.Linger) ?? DefaultLingerMs;
        var request = context.Integer(KafkaProperties.RequestTimeout) ?? DefaultRequestTimeoutMs;
        var deliveryName = context.Name(KafkaProperties.DeliveryTimeout);

        // delivery timeout 0 means "infinite" in librdkafka.
        if (delivery > 0 && delivery < linger + request)
        {
            context.Findings.Add(new ConfigFinding(
                RuleIds.DeliveryTimeoutBelowLingerPlusRequest, FindingSeverity.Error, deliveryName,
                $"{deliveryName}={delivery} is below linger.ms + request.timeout.ms = {linger} + {request} = {linger + request}: a message can expire before its first request has had time to complete.",
                $"Set {deliveryName} to at least {linger + request} (the Critical profile uses 120000)."));
        }

        if (delivery > 0 && delivery < MinimumRecommendedDeliveryTimeoutMs)
        {
            context.Findings.Add(new ConfigFinding(
                RuleIds.ShortDeliveryTimeout,
                profile is ReliabilityProfile.Analytics or ReliabilityProfile.Metrics ? FindingSeverity.Info : FindingSeverity.Warning,
                deliveryName,
                $"{deliveryName}={delivery} is under 30 s: a leader election or a rolling restart takes longer, so messages fail during ordinary broker maintenance.",
                $"Set {deliveryName} to 120000 (two minutes) or more, and handle the failures that remain."));
        }
    }

    /// <summary>Kafka's default transaction.max.timeout.ms: a broker refuses a longer transaction.timeout.ms (INVALID_TRANSACTION_TIMEOUT).</summary>
    private const long MaxTransactionTimeoutMs = 900_000;

    /// <summary>librdkafka's default transaction.timeout.ms.</summary>
    private const long DefaultTransactionTimeoutMs = 60_000;

    /// <summary>
    /// A transactional producer (transactional.id set) is idempotent with acks=all, and librdkafka refuses settings that
    /// say otherwise; its delivery and socket timeouts must fit in a transaction, and the broker refuses a transaction
    /// timeout above transaction.max.timeout.ms.
    /// </summary>
    private static void CheckTransactions(Context context, int? acks, bool? idempotence)
    {
        var id = context.Raw(KafkaProperties.TransactionalId);
        var name = context.Name(KafkaProperties.TransactionalId);
        if (id is null)
        {
            return;
        }

        if (id.Length == 0)
        {
            context.Findings.Add(new ConfigFinding(
                RuleIds.TransactionalRequiresIdempotence, FindingSeverity.Error, name,
                $"{name} is empty: a transactional producer needs an id that is the same across restarts of one instance and differs between instances.",
                $"Set {name} to a stable id per instance (for example the service name and its instance ordinal), or remove it for a producer without transactions."));
        }

        if (idempotence == false)
        {
            context.Findings.Add(new ConfigFinding(
                RuleIds.TransactionalRequiresIdempotence, FindingSeverity.Error, context.Name(KafkaProperties.EnableIdempotence),
                $"{name} is set with enable.idempotence=false: a transactional producer is idempotent (librdkafka refuses this configuration).",
                "Remove enable.idempotence (a transactional producer turns it on) or set it to true."));
        }

        if (acks is 0 or 1)
        {
            context.Findings.Add(new ConfigFinding(
                RuleIds.TransactionalRequiresIdempotence, FindingSeverity.Error, context.Name(KafkaProperties.Acks),
                $"{name} is set with acks={acks}: a transactional producer writes with acks=all (librdkafka refuses anything else).",
                "Remove acks or set it to all."));
        }

        var timeout = context.Integer(KafkaProperties.TransactionTimeout) ?? DefaultTransactionTimeoutMs;
        var timeoutName = context.Name(KafkaProperties.TransactionTimeout);
        if (timeout > MaxTransactionTimeoutMs)
        {
            context.Findings.Add(new ConfigFinding(
                RuleIds.TransactionTimeout, FindingSeverity.Error, timeoutName,
                $"{timeoutName}={timeout} is above Kafka's default transaction.max.timeout.ms ({MaxTransactionTimeoutMs}): the broker refuses InitTransactions with INVALID_TRANSACTION_TIMEOUT.",
                $"Set {timeoutName} to at most {MaxTransactionTimeoutMs} (shorter is better: a dead producer's open transaction holds read_committed consumers back until it passes)."));
        }

        if (context.Integer(KafkaProperties.DeliveryTimeout) is { } delivery && delivery > timeout)
        {
            var deliveryName = context.Name(KafkaProperties.DeliveryTimeout);
            context.Findings.Add(new ConfigFinding(
                RuleIds.TransactionTimeout, FindingSeverity.Error, deliveryName,
                $"{deliveryName}={delivery} is above {timeoutName}={timeout}: a message could still be in flight when its transaction times out (librdkafka refuses this configuration).",
                $"Remove {deliveryName} (librdkafka then uses {timeoutName}) or set it to at most {timeout}."));
        }

        if (context.Integer(SocketTimeout) is { } socket && socket > timeout + 100)
        {
            context.Findings.Add(new ConfigFinding(
                RuleIds.TransactionTimeout, FindingSeverity.Error, context.Name(SocketTimeout),
                $"{SocketTimeout}={socket} is above {timeoutName}={timeout} + 100: a request could outlive its transaction (librdkafka refuses this configuration).",
                $"Set {SocketTimeout} to at most {timeout + 100}, or remove it."));
        }
    }

    /// <summary>
    /// An idempotent producer keeps its promise only when a request that went unanswered can be sent again before the
    /// message times out: librdkafka notices a lost answer after max(request.timeout.ms, socket.timeout.ms), and a
    /// message that times out in flight makes it bump the producer epoch, after which the broker can no longer
    /// recognise re-sent batches (it deduplicates within an epoch). The reliability audit measures this (lost-acks).
    /// </summary>
    private static void CheckRoomToRetry(Context context)
    {
        var delivery = context.Integer(KafkaProperties.DeliveryTimeout) ?? DefaultDeliveryTimeoutMs;
        var request = context.Integer(KafkaProperties.RequestTimeout) ?? DefaultRequestTimeoutMs;
        var socket = context.Integer(SocketTimeout) ?? DefaultSocketTimeoutMs;
        var wait = Math.Max(request, socket);
        var deliveryName = context.Name(KafkaProperties.DeliveryTimeout);
        if (delivery > 0 && delivery < 2 * wait)
        {
            context.Findings.Add(new ConfigFinding(
                RuleIds.NoRoomToRetry, FindingSeverity.Warning, deliveryName,
                $"{deliveryName}={delivery} leaves no room to retry a lost answer: the client waits up to {wait} ms for one (the larger of {context.Name(KafkaProperties.RequestTimeout)}={request} and {SocketTimeout}={socket}), "
                + "so a message can time out in flight; the idempotent producer then bumps its epoch and batches sent again can be duplicated.",
                $"Set {deliveryName} to at least {2 * wait} (twice that wait), or lower {SocketTimeout} and {context.Name(KafkaProperties.RequestTimeout)}."));
        }
    }

    private static string? Suggest(string key)
    {
        var lowered = key.Trim().ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in KafkaProperties.SuggestionCandidates)
        {
            var distance = Levenshtein(lowered, candidate);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        var allowed = Math.Max(2, lowered.Length / 4);
        return bestDistance <= allowed ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private sealed class Context(Dictionary<string, (string Original, string? Value)> values, List<ConfigFinding> findings)
    {
        private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

        public List<ConfigFinding> Findings { get; } = findings;

        public string? Raw(string canonical) => values.TryGetValue(canonical, out var entry) ? entry.Value : null;

        /// <summary>The name the user wrote for this property, or its documented name.</summary>
        public string Name(string canonical) => values.TryGetValue(canonical, out var entry) ? entry.Original : KafkaProperties.Display(canonical);

        public long? Integer(string canonical)
        {
            var raw = Raw(canonical);
            if (raw is null)
            {
                return null;
            }

            if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                return value;
            }

            Invalid(canonical, "a whole number of 0 or more");
            return null;
        }

        public bool? Boolean(string canonical)
        {
            var raw = Raw(canonical);
            switch (raw?.ToLowerInvariant())
            {
                case null:
                    return null;
                case "true" or "1":
                    return true;
                case "false" or "0":
                    return false;
                default:
                    Invalid(canonical, "true or false");
                    return null;
            }
        }

        /// <summary>acks as a number: -1 for all.</summary>
        public int? Acks()
        {
            var raw = Raw(KafkaProperties.Acks);
            if (raw is null)
            {
                return null;
            }

            if (raw.Equals("all", StringComparison.OrdinalIgnoreCase) || raw == "-1")
            {
                return AcksAll;
            }

            if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                return value;
            }

            Invalid(KafkaProperties.Acks, "all, 1 or 0");
            return null;
        }

        private void Invalid(string canonical, string expected)
        {
            if (!_reported.Add(canonical))
            {
                return;
            }

            var name = Name(canonical);
            var shown = KafkaProperties.IsSecret(canonical) ? "(a value)" : $"'{Raw(canonical)}'";
            Findings.Add(new ConfigFinding(
                RuleIds.InvalidValue, FindingSeverity.Error, name,
                $"{name} is {shown}, which is not valid: it must be {expected}.",
                $"Set {name} to {expected}."));
        }
    }
}
