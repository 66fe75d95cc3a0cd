namespace ReliableKafka.Simulator.Cluster;

public sealed partial class SimulatedCluster
{
    private RequestMemoryBudget? _requestMemory;

    /// <summary>The bytes every broker's connections may hold for requests being read (<see cref="SimulatedClusterOptions.MaxBufferedRequestBytes"/>).</summary>
    internal RequestMemoryBudget RequestMemory => LazyInitializer.EnsureInitialized(ref _requestMemory, () => new RequestMemoryBudget(_options.MaxBufferedRequestBytes));
}
