using System.Collections.Frozen;
using System.Reflection;
using Confluent.Kafka;

namespace ReliableKafka.Configuration;

/// <summary>
/// librdkafka property names: the ones Confluent.Kafka knows, their aliases, and which hold secrets. The constants
/// are canonical names (<see cref="Canonical"/>).
/// </summary>
public static class KafkaProperties
{
    /// <summary>The brokers to connect to first.</summary>
    public const string BootstrapServers = "bootstrap.servers";

    /// <summary>How many replicas acknowledge a write.</summary>
    public const string Acks = "acks";

    /// <summary>The idempotent producer.</summary>
    public const string EnableIdempotence = "enable.idempotence";

    /// <summary>Requests in flight per connection (Kafka's max.in.flight.requests.per.connection).</summary>
    public const string MaxInFlight = "max.in.flight";

    /// <summary>Retries of a produce request (Kafka's retries).</summary>
    public const string Retries = "message.send.max.retries";

    /// <summary>How long a message may take to be delivered (Kafka's delivery.timeout.ms).</summary>
    public const string DeliveryTimeout = "message.timeout.ms";

    /// <summary>How long the producer waits to fill a batch.</summary>
    public const string Linger = "linger.ms";

    /// <summary>How long the broker may take to answer a request.</summary>
    public const string RequestTimeout = "request.timeout.ms";

    /// <summary>The transactional producer's id.</summary>
    public const string TransactionalId = "transactional.id";

    /// <summary>How long a transaction may stay open before the coordinator aborts it.</summary>
    public const string TransactionTimeout = "transaction.timeout.ms";

    /// <summary>How often librdkafka emits its statistics.</summary>
    public const string StatisticsInterval = "statistics.interval.ms";

    /// <summary>Alias → the name Confluent.Kafka's config classes use.</summary>
    private static readonly FrozenDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["metadata.broker.list"] = BootstrapServers,
        ["request.required.acks"] = Acks,
        ["max.in.flight.requests.per.connection"] = MaxInFlight,
        ["retries"] = Retries,
        ["delivery.timeout.ms"] = DeliveryTimeout,
        ["queue.buffering.max.ms"] = Linger,
        ["compression.codec"] = "compression.type",
        ["sasl.mechanisms"] = "sasl.mechanism",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>How a canonical name is shown to people: the name the Kafka documentation uses.</summary>
    private static readonly FrozenDictionary<string, string> DisplayNames = new Dictionary<string, string>
    {
        [MaxInFlight] = "max.in.flight.requests.per.connection",
        [Retries] = "retries",
        [DeliveryTimeout] = "delivery.timeout.ms",
    }.ToFrozenDictionary();

    /// <summary>Properties librdkafka accepts that Confluent.Kafka's typed config classes do not expose.</summary>
    private static readonly string[] ExtraKnown =
    [
        "test.mock.num.brokers", "test.mock.broker.rtt", "socket.blocking.max.ms", "queue.buffering.max.ms",
        "delivery.report.only.error", "dr_msg_cb", "produce.offset.report", "msg_order_cmp", "opaque",
        "interceptors", "resolve_cb", "connect_cb", "closesocket_cb", "open_cb", "ssl.engine.callback_data",
        "sticky.partitioning.linger.ms", "retries", "delivery.timeout.ms", "metadata.broker.list",
        "request.required.acks", "max.in.flight.requests.per.connection", "compression.codec", "sasl.mechanisms",
        "dotnet.producer.block.if.queue.full",
    ];

    private static readonly string[] SecretMarkers = ["password", "secret", "key.pem", "private.key", "keytab", "sasl.oauthbearer.config", "jaas"];

    /// <summary>Every property name this library accepts (lower case, canonical and alias forms).</summary>
    internal static readonly FrozenSet<string> Known = BuildKnown();

    /// <summary>Canonical names only, for "did you mean" suggestions.</summary>
    internal static readonly string[] SuggestionCandidates = [.. Known.Order(StringComparer.Ordinal)];

    /// <summary>Returns the name Confluent.Kafka uses for <paramref name="key"/> (aliases resolved, lower case).</summary>
    /// <param name="key">A property name as written in configuration.</param>
    /// <returns>The canonical name.</returns>
    public static string Canonical(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var trimmed = key.Trim();
        return Aliases.TryGetValue(trimmed, out var canonical) ? canonical : trimmed.ToLowerInvariant();
    }

    /// <summary>The name shown in messages for a canonical property name.</summary>
    /// <param name="canonicalKey">A canonical name.</param>
    /// <returns>The name the Kafka documentation uses.</returns>
    public static string Display(string canonicalKey) => DisplayNames.GetValueOrDefault(canonicalKey, canonicalKey);

    /// <summary>True when the property's value must never be printed (passwords, secrets, private keys).</summary>
    /// <param name="key">A property name.</param>
    /// <returns>Whether its value is a secret.</returns>
    public static bool IsSecret(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var marker in SecretMarkers)
        {
            if (key.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="key"/> is a librdkafka or Confluent.Kafka property.</summary>
    /// <param name="key">A property name.</param>
    /// <returns>Whether it is known.</returns>
    public static bool IsKnown(string key) => key is not null && Known.Contains(key.Trim().ToLowerInvariant());

    /// <summary>
    /// The typed properties of a Confluent.Kafka config class with the librdkafka keys each one writes, found by
    /// setting each on a fresh instance. Properties whose setter rejects a sample value are left out.
    /// </summary>
    /// <param name="configType">A Confluent.Kafka config class, such as <see cref="ProducerConfig"/>.</param>
    /// <returns>Each typed property with the keys it writes.</returns>
    public static IReadOnlyList<(PropertyInfo Property, IReadOnlyList<string> Keys)> ProbeProperties(Type configType)
    {
        var probed = new List<(PropertyInfo, IReadOnlyList<string>)>();
        foreach (var property in configType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object? sample = type == typeof(string) ? "x"
                : type == typeof(bool) ? true
                : type == typeof(int) ? 1
                : type == typeof(double) ? 1.0
                : type.IsEnum ? Enum.GetValues(type).GetValue(0)
                : null;
            if (sample is null)
            {
                continue;
            }

            var probe = (ClientConfig)Activator.CreateInstance(configType)!;
            try
            {
                property.SetValue(probe, sample);
            }
            catch (TargetInvocationException)
            {
                // A setter that validates its input: not a plain key.
                continue;
            }

            probed.Add((property, [.. probe.Select(static p => p.Key)]));
        }

        return probed;
    }

    private static FrozenSet<string> BuildKnown()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var configType in new[] { typeof(ProducerConfig), typeof(ConsumerConfig), typeof(AdminClientConfig) })
        {
            foreach (var (_, written) in ProbeProperties(configType))
            {
                keys.UnionWith(written);
            }
        }

        foreach (var extra in ExtraKnown)
        {
            keys.Add(extra);
        }

        return keys.ToFrozenSet(StringComparer.Ordinal);
    }
}
