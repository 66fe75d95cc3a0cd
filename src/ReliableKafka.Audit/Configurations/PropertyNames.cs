namespace ReliableKafka.Audit.Configurations;

/// <summary>The librdkafka aliases the audit resolves so that its own settings replace the user's, not duplicate them.</summary>
internal static class PropertyNames
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["request.required.acks"] = "acks",
        ["max.in.flight.requests.per.connection"] = "max.in.flight",
        ["retries"] = "message.send.max.retries",
        ["delivery.timeout.ms"] = "message.timeout.ms",
        ["queue.buffering.max.ms"] = "linger.ms",
        ["metadata.broker.list"] = "bootstrap.servers",
        ["compression.codec"] = "compression.type",
    };

    public static string Canonical(string key)
    {
        var trimmed = key.Trim();
        return Aliases.TryGetValue(trimmed, out var canonical) ? canonical : trimmed.ToLowerInvariant();
    }

    public static Dictionary<string, string> Canonicalize(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in settings)
        {
            result[Canonical(key)] = value;
        }

        return result;
    }
}
