namespace ReliableKafka.Audit.Tests;

public sealed class AuditRunnerTests
{
    [Fact]
    public void Invalid_options_are_refused_with_every_problem_listed()
    {
        var error = Assert.Throws<ArgumentException>(() => new AuditRunner(new AuditOptions
        {
            Scenarios = ["lost-acks", "leader-explodes"],
            FaultCommand = "./fault.sh {action} {broker}",
            Parallelism = 0,
        }));

        Assert.Contains("Unknown scenario 'leader-explodes'", error.Message);
        Assert.Contains("FaultCommand and Faults apply to a real cluster", error.Message);
        Assert.Contains("Parallelism must be at least 1", error.Message);
    }

    [Fact]
    public void A_real_cluster_needs_a_fault_command()
    {
        var error = Assert.Throws<ArgumentException>(() => new AuditRunner(new AuditOptions { BootstrapServers = "kafka-1:9092" }));

        Assert.Contains("needs a FaultCommand", error.Message);
    }

    [Fact]
    public void The_default_matrix_is_every_scenario_with_every_built_in_configuration_and_quick_is_smaller()
    {
        var full = new AuditRunner(new AuditOptions());
        var quick = new AuditRunner(new AuditOptions { Quick = true });

        Assert.Equal(ScenarioIds.All, full.Scenarios);
        Assert.Equal(AuditConfigurations.All, full.Configurations);
        Assert.Equal([ScenarioIds.LostAcks, ScenarioIds.LeaderCrash], quick.Scenarios);
        Assert.Equal(["acks0", "acks1", "acks-all", "critical"], quick.Configurations.Select(static c => c.Id));
    }
}
