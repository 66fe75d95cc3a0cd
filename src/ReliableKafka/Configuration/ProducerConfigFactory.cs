using Confluent.Kafka;

namespace ReliableKafka.Configuration;

/// <summary>
/// Turns a <see cref="ReliabilityProfile"/> plus overrides into a validated Confluent.Kafka <see cref="ProducerConfig"/>.
/// </summary>
public static class ProducerConfigFactory
{
    /// <summary>
    /// Merges the profile's defaults with <paramref name="overrides"/> (aliases resolved, later keys win), sets
    /// bootstrap.servers, and validates the result with <see cref="ProducerConfigValidator"/>.
    /// </summary>
    /// <param name="profile">The reliability profile.</param>
    /// <param name="bootstrapServers">The brokers; may be null when <paramref name="overrides"/> sets bootstrap.servers.</param>
    /// <param name="overrides">librdkafka properties that replace the profile's defaults; may be null.</param>
    /// <returns>The configuration, ready for a <see cref="ProducerBuilder{TKey, TValue}"/>.</returns>
    /// <exception cref="ReliableKafkaConfigurationException">When any rule reports an error; the message lists them all.</exception>
    public static ProducerConfig Create(
        ReliabilityProfile profile,
        string? bootstrapServers,
        IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var merged = Merge(profile, bootstrapServers, overrides, out var asWritten);
        var findings = ProducerConfigValidator.Validate(asWritten, profile);
        if (findings.Any(static f => f.Severity == FindingSeverity.Error))
        {
            throw new ReliableKafkaConfigurationException($"The {profile} producer configuration", findings);
        }

        return new ProducerConfig(merged!);
    }

    /// <summary>
    /// Merges the profile's defaults with <paramref name="overrides"/> as <see cref="Create"/> does, without validating
    /// (for linters that report the findings instead of throwing).
    /// </summary>
    /// <param name="profile">The reliability profile whose defaults come first.</param>
    /// <param name="bootstrapServers">The brokers; may be null when the overrides name them.</param>
    /// <param name="overrides">Settings that replace the defaults; may be null.</param>
    /// <param name="asWritten">The merged settings under the names the user wrote, for messages.</param>
    /// <returns>The merged settings under canonical names (<see cref="KafkaProperties.Canonical"/>).</returns>
    public static Dictionary<string, string> Merge(
        ReliabilityProfile profile,
        string? bootstrapServers,
        IEnumerable<KeyValuePair<string, string?>>? overrides,
        out List<KeyValuePair<string, string?>> asWritten)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        var written = new Dictionary<string, KeyValuePair<string, string?>>(StringComparer.Ordinal);
        foreach (var (key, value) in ReliabilityProfiles.GetDefaults(profile))
        {
            merged[key] = value;
            written[key] = new(key, value);
        }

        if (!string.IsNullOrWhiteSpace(bootstrapServers))
        {
            merged[KafkaProperties.BootstrapServers] = bootstrapServers.Trim();
            written[KafkaProperties.BootstrapServers] = new(KafkaProperties.BootstrapServers, bootstrapServers.Trim());
        }

        var unknown = new List<KeyValuePair<string, string?>>();
        foreach (var (key, value) in overrides ?? [])
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                continue;
            }

            if (!KafkaProperties.IsKnown(key))
            {
                unknown.Add(new(key, value));
                continue;
            }

            var canonical = KafkaProperties.Canonical(key);
            if (value is null)
            {
                merged.Remove(canonical);
                written.Remove(canonical);
                continue;
            }

            merged[canonical] = value.Trim();
            written[canonical] = new(key.Trim(), value.Trim());
        }

        asWritten = [.. written.Values, .. unknown];
        return merged;
    }
}
