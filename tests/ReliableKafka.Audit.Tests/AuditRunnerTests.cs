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

    [Fact]
    public async Task The_report_describes_each_configuration_with_its_secrets_masked()
    {
        var configuration = AuditConfiguration.Create("secured", "with SASL", new Dictionary<string, string>
        {
            ["acks"] = "all",
            ["enable.idempotence"] = "true",
            ["sasl.username"] = "audit",
            ["sasl.password"] = "hunter2",
        });

        // A cluster that can apply no fault: the run is skipped and nothing connects.
        var report = await new AuditRunner(new AuditOptions
        {
            BootstrapServers = "127.0.0.1:1",
            Faults = new NoFaults(),
            Scenarios = [ScenarioIds.NetworkCut],
            Configurations = [configuration],
        }).RunAsync();

        var described = Assert.Single(report.Configurations);
        Assert.Equal(("secured", true), (described.Id, described.IsCritical));
        Assert.Equal("audit", described.Settings["sasl.username"]);
        Assert.DoesNotContain("hunter2", AuditJson.Serialize(report), StringComparison.Ordinal);
        Assert.Equal(Verdict.Skipped, Assert.Single(report.Results).Verdict);
    }

    private sealed class NoFaults : IClusterFaults
    {
        public string Kind => "test cluster";

        public FaultCapabilities Capabilities => FaultCapabilities.None;

        public Simulator.Cluster.GroundTruth? Truth => null;

        public Task ShutdownBrokerAsync(int broker, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task CrashBrokerAsync(int broker, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task CleanShutdownBrokerAsync(int broker, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task StartBrokerAsync(int broker, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task SetFollowerStoppedAsync(string topic, int partition, int broker, bool stopped, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DropProduceResponsesAsync(int broker, int count, CancellationToken cancellationToken) => throw new NotSupportedException();

        public int PendingDroppedResponses(int broker) => 0;

        public Task<int> HoldTransactionMarkersAsync(string transactionalId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task SetNetworkCutAsync(string clientId, int broker, bool cut, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<PartitionLayout> DescribePartitionAsync(string topic, int partition, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<int>> BrokerIdsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
