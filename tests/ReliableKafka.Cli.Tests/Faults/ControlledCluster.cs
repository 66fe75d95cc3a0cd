using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;

namespace ReliableKafka.Cli.Tests.Faults;

/// <summary>
/// A simulated cluster in the test process with its control API served on a free port, as <c>rk cluster</c> serves
/// it, for <c>rk fault</c> to call with <c>--control</c>.
/// </summary>
internal sealed class ControlledCluster : IAsyncDisposable
{
    private readonly SimulatedCluster _cluster;
    private readonly SimulatorControlServer _server;

    private ControlledCluster(SimulatedCluster cluster, SimulatorControlServer server)
    {
        _cluster = cluster;
        _server = server;
    }

    /// <summary>The control API's base address, such as http://127.0.0.1:41234.</summary>
    public string Control => _server.Address.GetLeftPart(UriPartial.Authority);

    public string Bootstrap => _cluster.BootstrapServers;

    /// <summary>Three brokers with <paramref name="topic"/> (name, partitions, replication 3, min.insync 2).</summary>
    public static async Task<ControlledCluster> StartAsync(string topic, int partitions, TimeSpan? brokerSessionTimeout = null)
    {
        var cluster = SimulatedCluster.Start(new SimulatedClusterOptions
        {
            Brokers = 3,
            BrokerSessionTimeout = brokerSessionTimeout ?? new SimulatedClusterOptions().BrokerSessionTimeout,
        });
        try
        {
            cluster.CreateTopic(topic, new TopicSettings(partitions, 3, 2));
            return new ControlledCluster(cluster, await SimulatorControlServer.StartAsync(cluster, "127.0.0.1", 0));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _cluster.DisposeAsync();
    }
}
