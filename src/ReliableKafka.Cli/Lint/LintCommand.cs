using System.ComponentModel;
using ReliableKafka.Cli.Common;
using ReliableKafka.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Lint;

/// <summary><c>rk lint FILE</c>: checks a producer configuration with the library's rule set.</summary>
internal sealed class LintCommand(IAnsiConsole console, StandardError standardError) : Command<LintCommand.Settings>
{
    public const int ExitClean = 0;
    public const int ExitErrors = 1;
    public const int ExitUnreadable = 2;

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A .properties file, a JSON object of librdkafka/Java property names, or an appsettings.json.")]
        public string File { get; init; } = "";

        [CommandOption("--section <PATH>")]
        [Description("The JSON section that holds the configuration, colon-separated (Kafka:Producer). Default: the root when it is flat, else the one section that holds producer properties.")]
        public string? Section { get; init; }

        [CommandOption("--profile <PROFILE>")]
        [Description("Critical, Analytics or Metrics: also apply that profile's rules (acks=all and idempotence for Critical). Default: none for a flat file; every profile for a ReliableKafka section.")]
        public string? Profile { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON document (see docs/cli.md) instead of tables.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ReliabilityProfile? profile = null;
        if (settings.Profile is not null)
        {
            if (!Enum.TryParse<ReliabilityProfile>(settings.Profile, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(settings.Profile, out _))
            {
                return Fail(settings, new ConfigReadException($"--profile '{settings.Profile}' is not a profile; use Critical, Analytics or Metrics."));
            }

            profile = parsed;
        }

        ProducerConfigFile file;
        try
        {
            file = ConfigFileReader.Read(settings.File, settings.Section);
        }
        catch (ConfigReadException e)
        {
            return Fail(settings, e);
        }

        var report = Linter.Lint(file, profile);
        if (settings.Json)
        {
            console.WriteRaw(LintReportJson.Write(report));
        }
        else
        {
            Render(report);
        }

        return report.ExitCode;
    }

    private int Fail(Settings settings, ConfigReadException error)
    {
        if (settings.Json)
        {
            console.WriteRaw(LintReportJson.WriteError(settings.File, error));
        }

        standardError.WriteLine($"rk lint: {error.Message}");
        return ExitUnreadable;
    }

    private void Render(LintReport report)
    {
        var file = report.File;
        var source = file.Section is null ? file.Path : $"{file.Path} (section {file.Section})";
        var scope = report.Profile is { } p ? $"the {p} profile's rules"
            : file.Format == ConfigFormat.ReliableKafkaOptions ? "each profile's rules, as ReliableKafka validates at start-up"
            : "the rules that apply without a profile (add --profile Critical for its rules)";
        console.MarkupLineInterpolated($"[bold]rk lint[/] {source}: {LintReportJson.FormatName(file.Format)}, checked with {scope}.");

        if (report.Findings.Count > 0)
        {
            var showProfile = file.Format == ConfigFormat.ReliableKafkaOptions;
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn("Rule");
            table.AddColumn("Severity");
            if (showProfile)
            {
                table.AddColumn("Profile");
            }

            table.AddColumn("Property");
            table.AddColumn("Problem");
            table.AddColumn("Fix");
            foreach (var (finding, profile) in report.Findings)
            {
                var severity = finding.Severity switch
                {
                    FindingSeverity.Error => "[red]error[/]",
                    FindingSeverity.Warning => "[yellow]warning[/]",
                    _ => "[blue]info[/]",
                };
                var cells = new List<string> { Markup.Escape(finding.RuleId), severity };
                if (showProfile)
                {
                    cells.Add(Markup.Escape(profile?.ToString() ?? ""));
                }

                cells.Add(Markup.Escape(finding.Property));
                cells.Add(Markup.Escape(finding.Message));
                cells.Add(Markup.Escape(finding.Fix));
                table.AddRow([.. cells]);
            }

            console.Write(table);
        }

        var verdict = report.Errors > 0 ? "[red]FAIL[/]" : "[green]OK[/]";
        console.MarkupLine($"{verdict}: {report.Errors} error(s), {report.Warnings} warning(s), {report.Infos} info.");
    }
}
