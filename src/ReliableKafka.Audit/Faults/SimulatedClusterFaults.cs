using System.Collections.Concurrent;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Audit;

/// <summary>
/// The faults of an in-process <see cref="SimulatedCluster"/>, with its ground truth. Clean shutdown and network cuts
/// are not in the simulator yet: they throw <see cref="NotSupportedException"/> and are left out of
/// <see cref="Capabilities"/>, so their scenarios are reported as skipped.
/// </summary>
/// <param name="cluster">The cluster; not disposed by this object.</param>
public sealed class SimulatedClusterFaults(SimulatedCluster cluster) : IClusterFaults
{
    /// <summary>Per broker: responses asked to be dropped, and how many the ground truth had recorded dropped by then.</summary>
    private readonly ConcurrentDictionary<int, (int Requested, int DroppedBefore)> _drops = new();

    /// <summary>What the simulator cannot do yet, in the words a skipped scenario reports.</summary>
    internal const string CleanShutdownMissing = "the simulator has no clean shutdown yet (leadership moved first, then stop)";

    /// <summary>What the simulator cannot do yet, in the words a skipped scenario reports.</summary>
    internal const string NetworkCutMissing = "the simulator cannot cut the network between a client and a broker yet";

    /// <summary>The cluster.</summary>
    public SimulatedCluster Cluster { get; } = cluster ?? throw new ArgumentNullException(nameof(cluster));

    /// <inheritdoc />
    public string Kind => "simulator";

    /// <summary>What the simulator can do.</summary>
    // NOT YET: add FaultCapabilities.CleanShutdown and FaultCapabilities.NetworkCut once the simulator has them.
    internal const FaultCapabilities SupportedCapabilities =
        FaultCapabilities.StopStart | FaultCapabilities.Crash | FaultCapabilities.FollowerLag
        | FaultCapabilities.DropProduceResponses | FaultCapabilities.Describe | FaultCapabilities.UncleanElection;

    /// <inheritdoc />
    public FaultCapabilities Capabilities => SupportedCapabilities;

    /// <inheritdoc />
    public GroundTruth? Truth => Cluster.Truth;

    /// <inheritdoc />
    public Task StopBrokerAsync(int broker, CancellationToken cancellationToken) => CrashBrokerAsync(broker, cancellationToken);

    /// <inheritdoc />
    public Task CrashBrokerAsync(int broker, CancellationToken cancellationToken)
    {
        Cluster.CrashBroker(broker);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    // NOT YET: the simulator's clean shutdown is being added; then this becomes one call to it.
    public Task CleanShutdownBrokerAsync(int broker, CancellationToken cancellationToken) =>
        throw new NotSupportedException(CleanShutdownMissing);

    /// <inheritdoc />
    public Task StartBrokerAsync(int broker, CancellationToken cancellationToken)
    {
        Cluster.RestartBroker(broker);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SetFollowerStoppedAsync(string topic, int partition, int broker, bool stopped, CancellationToken cancellationToken)
    {
        Cluster.SetFollowerLag(topic, partition, broker, TimeSpan.Zero, stopped);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DropProduceResponsesAsync(int broker, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _drops[broker] = (count, DroppedSoFar(broker));
        Cluster.FaultsOf(broker).DropProduceResponses(count);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Counted from the ground truth's <see cref="TruthEventKind.ResponseDropped"/> events.</remarks>
    public int PendingDroppedResponses(int broker) =>
        _drops.TryGetValue(broker, out var drop) ? Math.Max(0, drop.Requested - (DroppedSoFar(broker) - drop.DroppedBefore)) : 0;

    /// <inheritdoc />
    // NOT YET: the simulator's client/broker network cut is being added; then this becomes one call to it.
    public Task SetNetworkCutAsync(string clientId, int broker, bool cut, CancellationToken cancellationToken) =>
        throw new NotSupportedException(NetworkCutMissing);

    /// <inheritdoc />
    public Task<PartitionLayout> DescribePartitionAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        var state = Cluster.Describe().Topics.FirstOrDefault(t => t.Name == topic)?.Partitions.FirstOrDefault(p => p.Partition == partition)
            ?? throw new InvalidOperationException($"{topic}[{partition}] does not exist.");
        return Task.FromResult(new PartitionLayout(partition, state.Leader, state.Replicas, state.Isr));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<int>> BrokerIdsAsync(CancellationToken cancellationToken) => Task.FromResult(Cluster.BrokerIds);

    private int DroppedSoFar(int broker) => Cluster.Truth.Events.Count(e => e.Kind == TruthEventKind.ResponseDropped && e.Broker == broker);

    /// <summary>Clears dropped responses and follower stops, and starts every broker that is down.</summary>
    internal void Heal()
    {
        _drops.Clear();
        foreach (var broker in Cluster.BrokerIds)
        {
            Cluster.FaultsOf(broker).Clear();
            Cluster.RestartBroker(broker);
        }

        foreach (var topic in Cluster.Describe().Topics)
        {
            foreach (var partition in topic.Partitions)
            {
                foreach (var replica in partition.Replicas)
                {
                    Cluster.SetFollowerLag(topic.Name, partition.Partition, replica, TimeSpan.Zero, stopped: false);
                }
            }
        }
    }
}
