using ReliableKafka.Cli.Lint;
using ReliableKafka.Configuration;

namespace ReliableKafka.Cli.Tests.Lint;

public sealed class LinterTests
{
    private static ProducerConfigFile Flat(params (string Key, string Value)[] settings) =>
        new("p.properties", ConfigFormat.Properties, null,
            [.. settings.Select(static s => new KeyValuePair<string, string?>(s.Key, s.Value))],
            null,
            [.. settings.Select(static s => new KeyValuePair<string, string>(s.Key, s.Value))]);

    [Fact]
    public void The_profile_turns_on_its_rules()
    {
        var file = Flat(("bootstrap.servers", "k:9092"), ("acks", "1"));

        var without = Linter.Lint(file, null);
        var critical = Linter.Lint(file, ReliabilityProfile.Critical);

        Assert.Equal(0, without.ExitCode);
        Assert.Equal(RuleIds.ReorderingRisk, Assert.Single(without.Findings).Finding.RuleId);
        Assert.Equal(1, critical.ExitCode);
        Assert.Contains(critical.Findings, f => f.Finding.RuleId == RuleIds.CriticalRequiresAcksAll && f.Profile == ReliabilityProfile.Critical);
        Assert.Equal(FindingSeverity.Error, critical.Findings[0].Finding.Severity);
    }

    [Fact]
    public void A_secret_value_repeated_in_a_finding_is_masked()
    {
        var report = Linter.Lint(Flat(("bootstrap.servers", "k:9092"), ("sasl.password", "pa55word!"), ("request.timeout.ms", "pa55word!")), null);

        var finding = Assert.Single(report.Findings, f => f.Finding.RuleId == RuleIds.InvalidValue).Finding;
        Assert.Contains("[redacted]", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55word!", finding.Message + finding.Fix + finding.Property, StringComparison.Ordinal);
    }

    [Fact]
    public void ReliableKafka_options_are_checked_for_every_profile_as_at_start_up()
    {
        var file = ConfigFileReader.ReadJson("appsettings.json", """
            { "Kafka": { "BootstrapServers": "k:9092", "Profiles": { "Critical": { "acks": "1" }, "Metrics": { "linger.ms": "x" } } } }
            """, null);

        var all = Linter.Lint(file, null);
        var analytics = Linter.Lint(file, ReliabilityProfile.Analytics);

        Assert.Equal(1, all.ExitCode);
        Assert.Contains(all.Findings, f => f.Profile == ReliabilityProfile.Critical && f.Finding.RuleId == RuleIds.CriticalRequiresAcksAll);
        Assert.Contains(all.Findings, f => f.Profile == ReliabilityProfile.Metrics && f.Finding.RuleId == RuleIds.InvalidValue);
        Assert.Equal(0, analytics.ExitCode);
        Assert.All(analytics.Findings, f => Assert.Equal(ReliabilityProfile.Analytics, f.Profile));
    }

    [Fact]
    public void A_missing_bootstrap_in_ReliableKafka_options_is_reported_once_per_profile()
    {
        var file = ConfigFileReader.ReadJson("appsettings.json", """{ "Kafka": { "Settings": { "client.id": "x" } } }""", null);

        var report = Linter.Lint(file, null);

        Assert.Equal(3, report.Findings.Count(f => f.Finding.RuleId == RuleIds.MissingBootstrapServers));
        Assert.Equal(3, report.Errors);
    }
}
