using System.Text.Json;
using ReliableKafka.Cli.Common;
using ReliableKafka.Configuration;

namespace ReliableKafka.Cli.Lint;

/// <summary>
/// The <c>rk lint --json</c> document. Property names are stable (see docs/cli.md):
/// <c>{"file","format","section","profile","exitCode","errors","warnings","infos","findings":[{"ruleId","severity","property","message","fix","profile"}]}</c>,
/// or <c>{"file","exitCode":2,"error":{"message","line","position"}}</c> when the file cannot be read.
/// </summary>
internal static class LintReportJson
{
    public static string Write(LintReport report)
    {
        return JsonText.Object(writer =>
        {
            writer.WriteString("file", report.File.Path);
            writer.WriteString("format", FormatName(report.File.Format));
            WriteNullable(writer, "section", report.File.Section);
            WriteNullable(writer, "profile", report.Profile?.ToString());
            writer.WriteNumber("exitCode", report.ExitCode);
            writer.WriteNumber("errors", report.Errors);
            writer.WriteNumber("warnings", report.Warnings);
            writer.WriteNumber("infos", report.Infos);
            writer.WriteStartArray("findings");
            foreach (var (finding, profile) in report.Findings)
            {
                WriteFinding(writer, finding, profile, withProfile: true);
            }

            writer.WriteEndArray();
        });
    }

    public static string WriteError(string path, ConfigReadException error)
    {
        return JsonText.Object(writer =>
        {
            writer.WriteString("file", path);
            writer.WriteNumber("exitCode", 2);
            writer.WriteStartObject("error");
            writer.WriteString("message", error.Message);
            if (error.Line is { } line)
            {
                writer.WriteNumber("line", line);
            }
            else
            {
                writer.WriteNull("line");
            }

            if (error.Position is { } position)
            {
                writer.WriteNumber("position", position);
            }
            else
            {
                writer.WriteNull("position");
            }

            writer.WriteEndObject();
        });
    }

    public static string FormatName(ConfigFormat format) => format switch
    {
        ConfigFormat.Properties => "properties",
        ConfigFormat.Json => "json",
        ConfigFormat.ReliableKafkaOptions => "reliablekafka-options",
        _ => format.ToString(),
    };

    public static string SeverityName(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Error => "error",
        FindingSeverity.Warning => "warning",
        _ => "info",
    };

    /// <summary>One finding: ruleId, severity, property, message, fix, and profile when <paramref name="withProfile"/>.</summary>
    public static void WriteFinding(Utf8JsonWriter writer, ConfigFinding finding, ReliabilityProfile? profile, bool withProfile)
    {
        writer.WriteStartObject();
        writer.WriteString("ruleId", finding.RuleId);
        writer.WriteString("severity", SeverityName(finding.Severity));
        writer.WriteString("property", finding.Property);
        writer.WriteString("message", finding.Message);
        writer.WriteString("fix", finding.Fix);
        if (withProfile)
        {
            WriteNullable(writer, "profile", profile?.ToString());
        }

        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
