using ReliableKafka.Configuration;

namespace ReliableKafka.Audit.Tests.Configurations;

public sealed class AuditConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rk-audit-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_built_in_configurations_have_the_issue_ids_and_only_the_idempotent_ones_are_critical()
    {
        Assert.Equal(["acks0", "acks1", "acks-all", "critical", "at-least-once", "transactional"], AuditConfigurations.All.Select(static c => c.Id));
        Assert.Equal(["critical", "at-least-once", "transactional"], AuditConfigurations.All.Where(static c => c.IsCritical).Select(static c => c.Id));
    }

    [Fact]
    public void The_critical_configuration_is_the_Critical_profile()
    {
        Assert.Equal(ReliabilityProfiles.GetDefaults(ReliabilityProfile.Critical), AuditConfigurations.Critical.Settings);
    }

    [Fact]
    public void A_json_file_becomes_a_configuration_named_after_the_file()
    {
        var path = Path.Combine(_directory, "producer.json");
        File.WriteAllText(path, """{ "acks": "all", "enable.idempotence": true, "max.in.flight.requests.per.connection": 5, "delivery.timeout.ms": 120000 }""");

        var configuration = AuditConfiguration.FromFile(path);

        Assert.Equal(("producer", true, path), (configuration.Id, configuration.IsCritical, configuration.Source));
        Assert.Equal("true", configuration.Settings["enable.idempotence"]);
        Assert.Equal("5", configuration.Settings["max.in.flight.requests.per.connection"]);
    }

    [Fact]
    public void A_properties_file_becomes_a_configuration()
    {
        var path = Path.Combine(_directory, "orders.properties");
        File.WriteAllText(path, "# the orders producer\nacks=1\n! another comment\nlinger.ms = 20\n\n");

        var configuration = AuditConfiguration.FromFile(path);

        Assert.Equal(("orders", false), (configuration.Id, configuration.IsCritical));
        Assert.Equal(new Dictionary<string, string> { ["acks"] = "1", ["linger.ms"] = "20" }, configuration.Settings);
    }

    [Fact]
    public void A_file_that_breaks_the_shared_rules_is_refused_with_every_error()
    {
        var path = Path.Combine(_directory, "broken.properties");
        File.WriteAllText(path, "acks=1\nenable.idempotence=true\nlinger.mss=5\n");

        var error = Assert.Throws<ReliableKafkaConfigurationException>(() => AuditConfiguration.FromFile(path));

        Assert.Contains(error.Findings, static f => f.RuleId == RuleIds.IdempotenceRequiresAcksAll);
        Assert.Contains(error.Findings, static f => f.RuleId == RuleIds.UnknownProperty);
        Assert.Contains("did you mean 'linger.ms'", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_json_object_is_a_format_error()
    {
        var path = Path.Combine(_directory, "list.json");
        File.WriteAllText(path, """["acks"]""");

        Assert.Throws<FormatException>(() => AuditConfiguration.FromFile(path));
    }

    [Fact]
    public void Acks_all_without_idempotence_is_not_critical()
    {
        Assert.False(AuditConfigurations.AcksAll.IsCritical);
        Assert.Contains(AuditConfigurations.AcksAll.Findings, static f => f.RuleId == RuleIds.ReorderingRisk);
    }
}
