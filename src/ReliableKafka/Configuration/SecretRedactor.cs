namespace ReliableKafka.Configuration;

/// <summary>Keeps secrets (passwords, client secrets, private keys) out of messages, logs and dead letters.</summary>
public sealed class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "[redacted]";

    private readonly string[] _secrets;

    /// <summary>Creates a redactor for the secret values among <paramref name="settings"/> (see <see cref="KafkaProperties.IsSecret"/>).</summary>
    /// <param name="settings">Client settings.</param>
    public SecretRedactor(IEnumerable<KeyValuePair<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _secrets = [.. settings
            .Where(static s => KafkaProperties.IsSecret(s.Key) && !string.IsNullOrEmpty(s.Value) && s.Value.Length >= 3)
            .Select(static s => s.Value)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(static s => s.Length)];
    }

    /// <summary>Replaces every secret value in <paramref name="text"/> with <see cref="Mask"/>.</summary>
    /// <param name="text">A message; null gives "".</param>
    /// <returns>The message without secrets.</returns>
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
    /// <param name="settings">Client settings.</param>
    /// <returns>The same settings, secrets replaced with <see cref="Mask"/>.</returns>
    public static IEnumerable<KeyValuePair<string, string>> Masked(IEnumerable<KeyValuePair<string, string>> settings) =>
        settings.Select(static s => KafkaProperties.IsSecret(s.Key) ? new KeyValuePair<string, string>(s.Key, Mask) : s);
}
