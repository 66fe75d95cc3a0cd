using System.Globalization;
using ReliableKafka.Audit.Configurations;
using ReliableKafka.Audit.Scenarios;
using ReliableKafka.Configuration;

namespace ReliableKafka.Audit;

/// <summary>The producer settings, topic names and masking of a run.</summary>
public sealed partial class AuditRunner
{
    /// <summary>The configuration plus the audit's timeouts, the scenario's needs, bootstrap.servers and client.id.</summary>
    private (Dictionary<string, string> Settings, TimeSpan DeliveryTimeout) EffectiveSettings(AuditConfiguration configuration, AuditScenario scenario, string bootstrapServers, string clientId)
    {
        var settings = new Dictionary<string, string>(configuration.CanonicalSettings, StringComparer.Ordinal);
        var deliveryMs = configuration.Traits.DeliveryTimeoutMs <= 0 ? ConfigurationTraits.DefaultDeliveryTimeoutMs : configuration.Traits.DeliveryTimeoutMs;
        if (_shortTimeouts)
        {
            var linger = settings.TryGetValue("linger.ms", out var raw) && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var l) ? l : 5;
            var shortened = Math.Clamp(deliveryMs / TimeoutDivisor, ShortestDeliveryTimeout.TotalMilliseconds, LongestDeliveryTimeout.TotalMilliseconds);
            deliveryMs = (long)Math.Max(shortened, linger + 1500);
            settings["message.timeout.ms"] = deliveryMs.ToString(CultureInfo.InvariantCulture);
            settings["request.timeout.ms"] = "1000";
            settings["socket.timeout.ms"] = "1000";
            settings["reconnect.backoff.max.ms"] = "500";
        }

        foreach (var (key, value) in scenario.ProducerOverrides)
        {
            settings[KafkaProperties.Canonical(key)] = value;
        }

        settings["bootstrap.servers"] = bootstrapServers;
        settings["client.id"] = clientId;
        if (configuration.Traits.Transactional)
        {
            // One transactional.id per run: runs must not fence each other.
            settings["transactional.id"] = TransactionalIdOf(clientId);
        }
        return (settings, TimeSpan.FromMilliseconds(deliveryMs));
    }

    /// <summary>The transactional.id a run's transactional producer uses.</summary>
    internal static string TransactionalIdOf(string clientId) => clientId + "-txn";

    private static ReliabilityProfile ProfileFor(ConfigurationTraits traits) =>
        traits.Acks == -1 && traits.Idempotent ? ReliabilityProfile.Critical
        : traits.Acks == 0 ? ReliabilityProfile.Metrics
        : ReliabilityProfile.Analytics;

    private static string TopicName(string name)
    {
        var cleaned = new string([.. name.Select(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_')]);
        return cleaned.Length > 200 ? cleaned[..200] : cleaned;
    }

    private static Dictionary<string, string> Mask(IReadOnlyDictionary<string, string> settings) =>
        SecretRedactor.Masked(settings).ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal);
}
