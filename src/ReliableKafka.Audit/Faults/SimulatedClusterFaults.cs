using System.Collections.Concurrent;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;

namespace ReliableKafka.Audit;

/// <summary>
/// The faults of an in-process <see cref="SimulatedCluster"/>, with its ground truth. A stop is a clean shutdown
/// (leadership moved first), as a service manager's stop is; a crash closes the broker at once.
/// </summary>
/// <param name="cluster">The cluster; not disposed by this object.</param>
public sealed class SimulatedClusterFaults(SimulatedCluster cluster) : IClusterFaults
{
    /// <summary>Per broker: the latest dropped-responses fault (it counts down as responses are dropped).</summary>
    private readonly ConcurrentDictionary<int, Simulator.Faults.FaultHandle> _drops = new();

    /// <summary>The network cuts in force, by client and broker.</summary>
    private readonly ConcurrentDictionary<(string ClientId, int Broker), Simulator.Faults.FaultHandle> _cuts = new();

    /// <summary>The cluster.</summary>
    public SimulatedCluster Cluster { get; } = cluster ?? throw new ArgumentNullException(nameof(cluster));

    /// <inheritdoc />
    public string Kind => "simulator";

    /// <summary>What the simulator can do.</summary>
    internal const FaultCapabilities SupportedCapabilities =
        FaultCapabilities.StopStart | FaultCapabilities.Crash | FaultCapabilities.FollowerLag
        | FaultCapabilities.DropProduceResponses | FaultCapabilities.Describe | FaultCapabilities.UncleanElection
        | FaultCapabilities.CleanShutdown | FaultCapabilities.NetworkCut | FaultCapabilities.HoldTransactionMarkers;

    /// <inheritdoc />
    public FaultCapabilities Capabilities => SupportedCapabilities;

    /// <inheritdoc />
    public GroundTruth? Truth => Cluster.Truth;

    /// <inheritdoc />
    public Task ShutdownBrokerAsync(int broker, CancellationToken cancellationToken) => CleanShutdownBrokerAsync(broker, cancellationToken);

    /// <inheritdoc />
    public Task CrashBrokerAsync(int broker, CancellationToken cancellationToken)
    {
        Cluster.Apply(new CrashBroker(broker));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task CleanShutdownBrokerAsync(int broker, CancellationToken cancellationToken)
    {
        Cluster.Apply(new ShutdownBroker(broker));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartBrokerAsync(int broker, CancellationToken cancellationToken)
    {
        Cluster.Apply(new RestartBroker(broker));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SetFollowerStoppedAsync(string topic, int partition, int broker, bool stopped, CancellationToken cancellationToken)
    {
        Cluster.Apply(new LagFollower(broker, Topic: topic, Partition: partition, Stop: stopped));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DropProduceResponsesAsync(int broker, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _drops[broker] = Cluster.Apply(new DropProduceResponses(broker, Count: count));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public int PendingDroppedResponses(int broker) => _drops.TryGetValue(broker, out var drop) ? drop.Remaining ?? 0 : 0;

    /// <inheritdoc />
    public Task SetNetworkCutAsync(string clientId, int broker, bool cut, CancellationToken cancellationToken)
    {
        if (cut)
        {
            _cuts[(clientId, broker)] = Cluster.Apply(new CutNetwork(broker, ClientId: clientId, Mode: Simulator.Faults.NetworkCutMode.Blackhole));
        }
        else if (_cuts.TryRemove((clientId, broker), out var handle))
        {
            handle.Remove();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<PartitionLayout> DescribePartitionAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        var state = Cluster.Describe().Topics.FirstOrDefault(t => t.Name == topic)?.Partitions.FirstOrDefault(p => p.Partition == partition)
            ?? throw new InvalidOperationException($"{topic}[{partition}] does not exist.");
        return Task.FromResult(new PartitionLayout(partition, state.Leader, state.Replicas, state.Isr) { LogEndOffsets = state.LogEndOffsets });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<int>> BrokerIdsAsync(CancellationToken cancellationToken) => Task.FromResult(Cluster.BrokerIds);

    /// <inheritdoc />
    public Task<int> HoldTransactionMarkersAsync(string transactionalId, CancellationToken cancellationToken)
    {
        var coordinator = Cluster.CoordinatorOf(transactionalId);
        Cluster.Apply(new HoldTransactionMarkers(coordinator));
        return Task.FromResult(coordinator);
    }

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
