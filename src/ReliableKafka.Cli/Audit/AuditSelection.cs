using ReliableKafka.Audit;
using ReliableKafka.Cli.Lint;
using ReliableKafka.Configuration;

namespace ReliableKafka.Cli.Audit;

/// <summary>
/// Turns <c>--scenario</c> and <c>--config</c> values into the audit's matrix. Each flag repeats and each value may be a
/// comma-separated list; a <c>--config</c> value is a built-in id or a file (it names an existing file, contains a
/// path separator, or ends in .json or .properties).
/// </summary>
internal static class AuditSelection
{
    /// <summary>The scenario ids, canonical and without repeats; null for the default; or the usage error.</summary>
    public static (IList<string>? Scenarios, string? Error) Scenarios(IReadOnlyList<string> values)
    {
        var tokens = Tokens(values);
        if (tokens.Count == 0)
        {
            return (null, null);
        }

        var chosen = new List<string>();
        foreach (var token in tokens)
        {
            var id = ScenarioIds.All.FirstOrDefault(s => string.Equals(s, token, StringComparison.OrdinalIgnoreCase));
            if (id is null)
            {
                return (null, $"--scenario '{token}' is not a scenario; use one of: {string.Join(", ", ScenarioIds.All)}.");
            }

            if (!chosen.Contains(id))
            {
                chosen.Add(id);
            }
        }

        return (chosen, null);
    }

    /// <summary>The configurations, without repeats; null for the default; or the usage error (with the rules' findings for a file).</summary>
    public static (IList<AuditConfiguration>? Configurations, string? Error) Configurations(IReadOnlyList<string> values)
    {
        var chosen = new List<AuditConfiguration>();
        foreach (var value in values)
        {
            // A file whose path holds a comma is taken whole.
            foreach (var token in File.Exists(value) ? [value.Trim()] : Tokens([value]))
            {
                var (configuration, error) = IsFile(token) ? FromFile(token) : FromId(token);
                if (error is not null)
                {
                    return (null, error);
                }

                if (!chosen.Any(c => ReferenceEquals(c, configuration)))
                {
                    chosen.Add(configuration!);
                }
            }
        }

        return (chosen.Count == 0 ? null : chosen, null);
    }

    private static bool IsFile(string token) =>
        File.Exists(token)
        || token.Contains('/', StringComparison.Ordinal)
        || token.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || token.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
        || token.EndsWith(".properties", StringComparison.OrdinalIgnoreCase);

    private static (AuditConfiguration? Configuration, string? Error) FromId(string id) =>
        AuditConfigurations.Find(id) is { } found
            ? (found, null)
            : (null, $"--config '{id}' is neither a configuration ({string.Join(", ", AuditConfigurations.All.Select(static c => c.Id))}) nor a file (.json or .properties).");

    private static (AuditConfiguration? Configuration, string? Error) FromFile(string path)
    {
        if (!File.Exists(path))
        {
            return (null, $"--config {path}: no such file.");
        }

        try
        {
            return (AuditConfiguration.FromFile(path), null);
        }
        catch (ReliableKafkaConfigurationException e)
        {
            return (null, $"--config {path}: {Redacted(path, e.Message)}");
        }
        catch (FormatException e)
        {
            return (null, $"--config {path}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"--config {path}: cannot read it: {e.Message}");
        }
    }

    /// <summary>The rules never quote a secret; as rk lint does, whatever is printed is masked anyway.</summary>
    private static string Redacted(string path, string text)
    {
        try
        {
            return new SecretRedactor(ConfigFileReader.Read(path, section: null).Values).Redact(text);
        }
        catch (ConfigReadException)
        {
            return text;
        }
    }

    private static List<string> Tokens(IEnumerable<string> values) =>
        [.. values.SelectMany(static v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
}
