using System.Globalization;
using System.Text.Json;
using ReliableKafka.Configuration;

namespace ReliableKafka.Audit;

/// <summary>
/// A producer configuration under audit: librdkafka properties, used exactly as written except that the audit sets
/// bootstrap.servers and client.id, and on the simulator shortens timeouts (see <see cref="AuditOptions.ShortTimeouts"/>).
/// </summary>
public sealed class AuditConfiguration
{
    private AuditConfiguration(string id, string description, IReadOnlyDictionary<string, string> settings, string source, IReadOnlyList<ConfigFinding> findings)
    {
        Id = id;
        Description = description;
        Settings = settings;
        Source = source;
        Findings = findings;
        CanonicalSettings = settings
            .GroupBy(static p => KafkaProperties.Canonical(p.Key), StringComparer.Ordinal)
            .ToDictionary(static g => g.Key, static g => g.Last().Value, StringComparer.Ordinal);
        Traits = Configurations.ConfigurationTraits.Of(CanonicalSettings);
        var withBootstrap = settings.Select(static p => new KeyValuePair<string, string?>(p.Key, p.Value)).Append(new("bootstrap.servers", PlaceholderBootstrap));
        IsCritical = Traits.Acks == -1 && Traits.Idempotent && ProducerConfigValidator.Errors(withBootstrap, ReliabilityProfile.Critical).Count == 0;
    }

    private const string PlaceholderBootstrap = "audit:9092";

    /// <summary>The configuration's id: acks0, acks1, acks-all, critical, at-least-once, or a file's name without extension.</summary>
    public string Id { get; }

    /// <summary>What it is, in a few words.</summary>
    public string Description { get; }

    /// <summary>The librdkafka properties, as written.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>"built-in", or the path of the file it came from.</summary>
    public string Source { get; }

    /// <summary>
    /// True when the configuration is marked Critical: acks=all with idempotence, and it passes the Critical
    /// profile's rules. A Critical configuration that loses, duplicates or reorders where Kafka promises it won't is a
    /// critical violation (<see cref="AuditReport.CriticalViolation"/>).
    /// </summary>
    public bool IsCritical { get; }

    /// <summary>Warnings and notes from the shared rules (errors are thrown when the configuration is loaded).</summary>
    public IReadOnlyList<ConfigFinding> Findings { get; }

    /// <summary>The settings under the names Confluent.Kafka uses (aliases such as delivery.timeout.ms resolved).</summary>
    internal IReadOnlyDictionary<string, string> CanonicalSettings { get; }

    internal Configurations.ConfigurationTraits Traits { get; }

    /// <summary>Creates a configuration after checking it with the shared rules (<see cref="ProducerConfigValidator"/>).</summary>
    /// <param name="id">Its id.</param>
    /// <param name="description">What it is.</param>
    /// <param name="settings">librdkafka properties; bootstrap.servers and client.id are replaced by the audit.</param>
    /// <param name="source">Where it came from.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ReliableKafkaConfigurationException">A rule reports an error; the message lists them all.</exception>
    public static AuditConfiguration Create(string id, string description, IReadOnlyDictionary<string, string> settings, string source = "built-in")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(settings);
        var asWritten = settings.Select(static p => new KeyValuePair<string, string?>(p.Key, p.Value)).ToList();
        if (!settings.Keys.Any(static k => KafkaProperties.Canonical(k) == KafkaProperties.BootstrapServers))
        {
            asWritten.Add(new("bootstrap.servers", PlaceholderBootstrap));
        }

        var findings = ProducerConfigValidator.Validate(asWritten, profile: null);
        if (findings.Any(static f => f.Severity == FindingSeverity.Error))
        {
            throw new ReliableKafkaConfigurationException($"The producer configuration '{id}' ({source})", findings);
        }

        return new AuditConfiguration(id, description, settings, source, findings);
    }

    /// <summary>
    /// Loads a producer configuration from a file: <c>.json</c> (one object of property names to strings, numbers or
    /// booleans) or <c>.properties</c> (<c>name=value</c> lines; <c>#</c> and <c>!</c> start comments). Its id is the
    /// file's name without extension. It is checked with the shared rules first.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ReliableKafkaConfigurationException">A rule reports an error.</exception>
    /// <exception cref="FormatException">The file cannot be read as JSON or properties.</exception>
    public static AuditConfiguration FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var text = File.ReadAllText(path);
        var settings = Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? ParseJson(text, path) : ParseProperties(text, path);
        return Create(Path.GetFileNameWithoutExtension(path), $"from {Path.GetFileName(path)}", settings, Path.GetFullPath(path));
    }

    internal static Dictionary<string, string> ParseJson(string text, string path)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path} is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{path} must hold one JSON object of librdkafka property names to values, for example {{\"acks\": \"all\"}}.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                settings[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Number => property.Value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => throw new FormatException($"{path}: the value of '{property.Name}' must be a string, a number or a boolean."),
                };
            }
        }

        return settings;
    }

    internal static Dictionary<string, string> ParseProperties(string text, string path)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{path}:{number}: expected name=value, got '{line}'."));
            }

            settings[line[..separator].Trim()] = line[(separator + 1)..].Trim();
        }

        return settings;
    }
}
