using ReliableKafka.Cli.Common;
using ReliableKafka.Configuration;

namespace ReliableKafka.Cli.Lint;

/// <summary>
/// The <c>rk lint --json</c> document (docs/schemas/lint.schema.json): a <see cref="LintDocument"/>, or a
/// <see cref="LintErrorDocument"/> when the file cannot be read.
/// </summary>
internal static class LintReportJson
{
    public static string Write(LintReport report) => ReportJson.Serialize(new LintDocument(
        report.File.Path,
        FormatName(report.File.Format),
        report.File.Section,
        report.Profile?.ToString(),
        report.ExitCode,
        report.Errors,
        report.Warnings,
        report.Infos,
        [.. report.Findings.Select(static f => new LintFindingDocument(
            f.Finding.RuleId, SeverityName(f.Finding.Severity), f.Finding.Property, f.Finding.Message, f.Finding.Fix, f.Profile?.ToString()))]));

    public static string WriteError(string path, ConfigReadException error) =>
        ReportJson.Serialize(new LintErrorDocument(path, LintCommand.ExitUnreadable, new LintError(error.Message, error.Line, error.Position)));

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
}

/// <summary>The <c>rk lint --json</c> report of a file that was read.</summary>
/// <param name="Format">properties, json or reliablekafka-options.</param>
/// <param name="Profile">The profile whose rules applied, null for none (or every one, for a ReliableKafka section).</param>
internal sealed record LintDocument(
    string File, string Format, string? Section, string? Profile, int ExitCode, int Errors, int Warnings, int Infos, IReadOnlyList<LintFindingDocument> Findings);

/// <summary>One finding; <paramref name="Profile"/> names the profile it was found under, for a ReliableKafka section.</summary>
/// <param name="Severity">error, warning or info.</param>
internal sealed record LintFindingDocument(string RuleId, string Severity, string Property, string Message, string Fix, string? Profile);

/// <summary>The <c>rk lint --json</c> document of a file that could not be read (exit code 2).</summary>
internal sealed record LintErrorDocument(string File, int ExitCode, LintError Error);

/// <summary>Why a file could not be read, and where (1-based; null when the problem has no position).</summary>
internal sealed record LintError(string Message, int? Line, int? Position);
