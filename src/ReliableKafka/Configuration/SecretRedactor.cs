namespace ReliableKafka.Configuration;

/// <summary>Keeps secrets (passwords, client secrets, private keys) out of messages, logs and dead letters.</summary>
internal sealed class SecretRedactor
{
    public const string Mask = "[redacted]";

    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<KeyValuePair<string, string>> settings)
    {
        _secrets = [.. settings
            .Where(static s => KafkaProperties.IsSecret(s.Key) && !string.IsNullOrEmpty(s.Value) && s.Value.Length >= 3)
            .Select(static s => s.Value)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(static s => s.Length)];
    }

    /// <summary>Replaces every secret value in <paramref name="text"/> with <see cref="Mask"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The settings with every secret's value masked, for display.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Masked(IEnumerable<KeyValuePair<string, string>> settings) =>
        settings.Select(static s => KafkaProperties.IsSecret(s.Key) ? new KeyValuePair<string, string>(s.Key, Mask) : s);
}
