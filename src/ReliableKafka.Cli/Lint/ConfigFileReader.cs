using System.Globalization;
using System.Text.Json;

namespace ReliableKafka.Cli.Lint;

/// <summary>
/// Reads a producer configuration from a .properties file, a flat JSON object, or a section of an appsettings.json
/// (given as <c>Kafka:Producer</c>, or found: the one object that holds librdkafka properties or ReliableKafka's
/// <c>BootstrapServers</c>/<c>Settings</c>/<c>Profiles</c>).
/// </summary>
internal static class ConfigFileReader
{
    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,   // appsettings.json allows comments
        AllowTrailingCommas = true,
    };

    /// <summary>Reads <paramref name="path"/>. JSON when it ends in .json or starts with '{'; .properties otherwise.</summary>
    /// <exception cref="ConfigReadException">The file is missing or unreadable, malformed, or holds no producer configuration.</exception>
    public static ProducerConfigFile Read(string path, string? section)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigReadException(e is FileNotFoundException or DirectoryNotFoundException
                ? $"{path}: no such file."
                : $"{path}: cannot be read: {e.Message}");
        }

        var isJson = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            || (!path.EndsWith(".properties", StringComparison.OrdinalIgnoreCase) && text.TrimStart().StartsWith('{'));
        if (isJson)
        {
            return ReadJson(path, text, section);
        }

        if (section is not null)
        {
            throw new ConfigReadException($"{path}: --section applies to JSON files; this is read as .properties.");
        }

        List<KeyValuePair<string, string?>> settings;
        try
        {
            settings = PropertiesParser.Parse(text);
        }
        catch (ConfigReadException e)
        {
            throw new ConfigReadException($"{path}: malformed .properties at {e.Message}", e.Line, e.Position);
        }

        return new ProducerConfigFile(path, ConfigFormat.Properties, null, settings, null, Collect(settings));
    }

    /// <summary>Reads JSON text (exposed for tests).</summary>
    public static ProducerConfigFile ReadJson(string path, string text, string? section)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, JsonOptions);
        }
        catch (JsonException e)
        {
            var line = (int)(e.LineNumber ?? 0) + 1;
            var position = (int)(e.BytePositionInLine ?? 0) + 1;
            var reason = e.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
            {
                reason = reason[..cut];
            }

            throw new ConfigReadException($"{path}: malformed JSON at line {line}, position {position}: {reason}", line, position);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigReadException($"{path}: the JSON is {Article(root.ValueKind)}; expected an object of producer properties.");
            }

            var (element, name) = section is null ? Detect(path, root) : Navigate(path, root, section);
            return IsOptionsShape(element)
                ? ReadOptions(path, element, name)
                : ReadFlat(path, element, name);
        }
    }

    private static (JsonElement Element, string? Name) Navigate(string path, JsonElement root, string section)
    {
        var current = root;
        var walked = new List<string>();
        foreach (var part in section.Split(':'))
        {
            var found = false;
            if (current.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in current.EnumerateObject())
                {
                    if (string.Equals(property.Name, part, StringComparison.OrdinalIgnoreCase))
                    {
                        current = property.Value;
                        walked.Add(property.Name);
                        found = true;
                        break;
                    }
                }
            }

            if (!found)
            {
                throw new ConfigReadException($"{path}: section '{section}' not found{Hint(root)}.");
            }
        }

        if (current.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigReadException($"{path}: section '{section}' is {Article(current.ValueKind)}, not an object of producer properties.");
        }

        return (current, string.Join(':', walked));
    }

    private static string Hint(JsonElement root)
    {
        var candidates = new List<(JsonElement, string)>();
        FindCandidates(root, null, candidates);
        return candidates.Count == 0 ? "" : $"; sections with producer settings: {string.Join(", ", candidates.Select(static c => c.Item2))}";
    }

    /// <summary>The root when it is the configuration itself; otherwise the one nested object that holds one.</summary>
    private static (JsonElement Element, string? Name) Detect(string path, JsonElement root)
    {
        if (IsOptionsShape(root) || root.EnumerateObject().All(static p => IsScalar(p.Value)))
        {
            return (root, null);
        }

        var candidates = new List<(JsonElement Element, string Name)>();
        FindCandidates(root, null, candidates);
        return candidates.Count switch
        {
            1 => (candidates[0].Element, candidates[0].Name),
            0 => throw new ConfigReadException($"{path}: no producer settings found (no object holds a librdkafka property such as bootstrap.servers or acks). Choose the section with --section, for example --section Kafka:Producer."),
            _ => throw new ConfigReadException($"{path}: several sections hold producer settings ({string.Join(", ", candidates.Select(static c => c.Name))}); choose one with --section."),
        };
    }

    private static void FindCandidates(JsonElement element, string? prefix, List<(JsonElement, string)> into)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var name = prefix is null ? property.Name : $"{prefix}:{property.Name}";
            if (IsOptionsShape(property.Value)
                || property.Value.EnumerateObject().Any(static p => Configuration.KafkaProperties.IsKnown(p.Name)))
            {
                into.Add((property.Value, name));
            }
            else
            {
                FindCandidates(property.Value, name, into);
            }
        }
    }

    /// <summary>True for ReliableKafka's own section: BootstrapServers, or a Settings or Profiles object.</summary>
    private static bool IsOptionsShape(JsonElement element) => element.EnumerateObject().Any(static p =>
        Is(p, nameof(ReliableKafkaOptions.BootstrapServers))
        || ((Is(p, nameof(ReliableKafkaOptions.Settings)) || Is(p, nameof(ReliableKafkaOptions.Profiles))) && p.Value.ValueKind == JsonValueKind.Object));

    private static bool Is(JsonProperty property, string name) => string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase);

    private static ProducerConfigFile ReadFlat(string path, JsonElement element, string? section)
    {
        var settings = Scalars(path, element, section);
        return new ProducerConfigFile(path, ConfigFormat.Json, section, settings, null, Collect(settings));
    }

    private static ProducerConfigFile ReadOptions(string path, JsonElement element, string? section)
    {
        var options = new ReliableKafkaOptions();
        var values = new List<KeyValuePair<string, string?>>();
        foreach (var property in element.EnumerateObject())
        {
            var where = section is null ? property.Name : $"{section}:{property.Name}";
            if (Is(property, nameof(ReliableKafkaOptions.BootstrapServers)))
            {
                options.BootstrapServers = Scalar(path, property.Value, where);
            }
            else if (Is(property, nameof(ReliableKafkaOptions.Settings)))
            {
                foreach (var (key, value) in Scalars(path, property.Value, where))
                {
                    options.Settings[key] = value;
                    values.Add(new(key, value));
                }
            }
            else if (Is(property, nameof(ReliableKafkaOptions.Profiles)))
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new ConfigReadException($"{path}: '{where}' must be an object keyed by profile (Critical, Analytics, Metrics).");
                }

                foreach (var profile in property.Value.EnumerateObject())
                {
                    if (!Enum.TryParse<ReliabilityProfile>(profile.Name, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                    {
                        throw new ConfigReadException($"{path}: '{where}:{profile.Name}' is not a profile; use Critical, Analytics or Metrics.");
                    }

                    var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                    foreach (var (key, value) in Scalars(path, profile.Value, $"{where}:{profile.Name}"))
                    {
                        overrides[key] = value;
                        values.Add(new(key, value));
                    }

                    options.Profiles[parsed] = overrides;
                }
            }

            // DeadLetters, ShutdownTimeout and the rest are not producer properties: not linted here.
        }

        return new ProducerConfigFile(path, ConfigFormat.ReliableKafkaOptions, section, [], options, Collect(values));
    }

    private static List<KeyValuePair<string, string?>> Scalars(string path, JsonElement element, string? where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigReadException($"{path}: '{where}' must be an object of producer properties, not {Article(element.ValueKind)}.");
        }

        var result = new List<KeyValuePair<string, string?>>();
        foreach (var property in element.EnumerateObject())
        {
            result.Add(new(property.Name, Scalar(path, property.Value, where is null ? property.Name : $"{where}:{property.Name}")));
        }

        return result;
    }

    private static string? Scalar(string path, JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => null,
        _ => throw new ConfigReadException($"{path}: '{where}' is {Article(value.ValueKind)}; a producer property's value must be a string, number or boolean. Choose the section that holds the properties with --section."),
    };

    private static bool IsScalar(JsonElement value) => value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array);

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    private static List<KeyValuePair<string, string>> Collect(IEnumerable<KeyValuePair<string, string?>> settings) =>
        [.. settings.Where(static s => s.Value is not null).Select(static s => new KeyValuePair<string, string>(s.Key, s.Value!))];
}
