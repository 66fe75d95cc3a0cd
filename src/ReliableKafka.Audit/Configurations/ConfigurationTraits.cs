using System.Globalization;

namespace ReliableKafka.Audit.Configurations;

/// <summary>What a producer configuration means for delivery, with librdkafka's defaults for what it leaves out.</summary>
/// <param name="Acks">-1 for all, 1 or 0.</param>
/// <param name="Idempotent">enable.idempotence.</param>
/// <param name="MaxInFlight">max.in.flight.requests.per.connection.</param>
/// <param name="Retries">message.send.max.retries.</param>
/// <param name="DeliveryTimeoutMs">message.timeout.ms (delivery.timeout.ms).</param>
/// <param name="Transactional">transactional.id is set: messages go out in transactions, read back read_committed.</param>
internal sealed record ConfigurationTraits(int Acks, bool Idempotent, long MaxInFlight, long Retries, long DeliveryTimeoutMs, bool Transactional = false)
{
    public const long DefaultDeliveryTimeoutMs = 300_000;

    public static ConfigurationTraits Of(IReadOnlyDictionary<string, string> canonical)
    {
        var acks = canonical.GetValueOrDefault("acks", "all").Trim().ToLowerInvariant() switch
        {
            "all" or "-1" => -1,
            "0" => 0,
            _ => 1,
        };
        var transactional = !string.IsNullOrWhiteSpace(canonical.GetValueOrDefault("transactional.id"));

        // librdkafka: a transactional producer is idempotent (and so acks=all) whatever else is set.
        var idempotent = transactional || canonical.GetValueOrDefault("enable.idempotence", "false").Trim().ToLowerInvariant() is "true" or "1";
        return new ConfigurationTraits(
            transactional ? -1 : acks,
            idempotent,
            Number(canonical, "max.in.flight", 1_000_000),
            Number(canonical, "message.send.max.retries", int.MaxValue),
            Number(canonical, "message.timeout.ms", DefaultDeliveryTimeoutMs),
            transactional);
    }

    private static long Number(IReadOnlyDictionary<string, string> canonical, string key, long fallback) =>
        canonical.TryGetValue(key, out var raw) && long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
