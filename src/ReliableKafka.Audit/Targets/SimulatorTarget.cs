using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Audit.Targets;

/// <summary>A fresh three-broker simulated cluster per run, so each run has its own ground truth.</summary>
internal sealed class SimulatorTarget : IAuditTarget
{
    /// <summary>Short, so that a stopped follower leaves the ISR within a second or so (Kafka's default is 30 s).</summary>
    public static readonly TimeSpan ReplicaLagTimeMax = TimeSpan.FromSeconds(1);

    private readonly SimulatedCluster _cluster;
    private readonly SimulatedClusterFaults _faults;

    public SimulatorTarget()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, ReplicaLagTimeMax = ReplicaLagTimeMax });
        _faults = new SimulatedClusterFaults(_cluster);
    }

    public string BootstrapServers => _cluster.BootstrapServers;

    public IClusterFaults Faults => _faults;

    public Task CreateTopicAsync(string topic, int partitions, int minInSyncReplicas, bool uncleanLeaderElection, int? maxMessageBytes, CancellationToken cancellationToken)
    {
        var settings = new TopicSettings(partitions, 3, minInSyncReplicas, uncleanLeaderElection);
        _cluster.CreateTopic(topic, maxMessageBytes is { } max ? settings with { MaxMessageBytes = max } : settings);
        return Task.CompletedTask;
    }

    public Task HealAsync(CancellationToken cancellationToken)
    {
        _faults.Heal();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
