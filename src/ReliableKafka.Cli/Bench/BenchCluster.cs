using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ReliableKafka.Cli.Doctor;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Cli.Bench;

/// <summary>
/// The cluster rk bench measures: an in-process simulator it starts (3 brokers, a topic with 3 partitions, replication
/// factor 3, min.insync.replicas 2, followers delayed, responses delayed), or a real cluster, taken as it is.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly SimulatedCluster? _simulator;

    private BenchCluster(BenchTarget target, SimulatedCluster? simulator)
    {
        Target = target;
        _simulator = simulator;
    }

    public BenchTarget Target { get; }

    /// <summary>
    /// Starts the simulator and makes its network behave like a real one: every follower copies only batches at least
    /// <paramref name="delays"/>.ReplicationDelayMs old (so acks=all waits for replication), and every broker response
    /// waits <paramref name="delays"/>.NetworkDelayMs (so acks=1 costs a round trip; acks=0 has no response).
    /// </summary>
    public static BenchCluster StartEmbedded(string topic, SimulatedDelays delays)
    {
        var simulator = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = false });
        try
        {
            simulator.CreateTopic(topic, new TopicSettings(Partitions: 3, ReplicationFactor: 3, MinInSyncReplicas: 2));
            var partitions = simulator.Describe().Topics.Single(t => t.Name == topic).Partitions;
            if (delays.ReplicationDelayMs > 0)
            {
                foreach (var partition in partitions)
                {
                    foreach (var follower in partition.Replicas.Where(r => r != partition.Leader))
                    {
                        simulator.SetFollowerLag(topic, partition.Partition, follower, TimeSpan.FromMilliseconds(delays.ReplicationDelayMs), stopped: false);
                    }
                }
            }

            if (delays.NetworkDelayMs > 0)
            {
                foreach (var broker in simulator.BrokerIds)
                {
                    simulator.FaultsOf(broker).Delay(TimeSpan.FromMilliseconds(delays.NetworkDelayMs));
                }
            }

            var target = new BenchTarget(true, simulator.BootstrapServers, simulator.BrokerIds.Count, topic, partitions.Count, 3, 2, TopicCreated: true, delays);
            return new BenchCluster(target, simulator);
        }
        catch
        {
            simulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>
    /// Reads a real cluster (within <paramref name="timeout"/>) and its topic, creating the topic when it is missing:
    /// 3 partitions, replication factor min(3, brokers), min.insync.replicas min(2, replication factor).
    /// </summary>
    /// <exception cref="KafkaException">The cluster cannot be reached within the timeout.</exception>
    /// <exception cref="CreateTopicsException">The topic is missing and cannot be created.</exception>
    public static async Task<BenchCluster> ConnectAsync(string bootstrapServers, string topic, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var view = await ClusterReader.ReadAsync(bootstrapServers, [topic], timeout).ConfigureAwait(false);
        var created = false;
        if (view.Topics.Count == 0)
        {
            var replication = (short)Math.Min(3, view.Brokers.Count);
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers, ClientId = "rk-bench" }).SetLogHandler(static (_, _) => { }).Build())
            {
                try
                {
                    await admin.CreateTopicsAsync(
                        [new TopicSpecification
                        {
                            Name = topic,
                            NumPartitions = 3,
                            ReplicationFactor = replication,
                            Configs = new Dictionary<string, string> { ["min.insync.replicas"] = Math.Min(2, (int)replication).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                        }],
                        new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout }).ConfigureAwait(false);
                    created = true;
                }
                catch (CreateTopicsException e) when (e.Results.All(static r => r.Error.Code == ErrorCode.TopicAlreadyExists))
                {
                    // Another client created it meanwhile: measure it as it is.
                }
            }

            var waiting = System.Diagnostics.Stopwatch.StartNew();
            do
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                view = await ClusterReader.ReadAsync(bootstrapServers, [topic], timeout).ConfigureAwait(false);
            }
            while ((view.Topics.Count == 0 || view.Topics[0].Partitions.Any(static p => p.Leader < 0)) && waiting.Elapsed < timeout);

            if (view.Topics.Count == 0)
            {
                throw new KafkaException(new Error(ErrorCode.UnknownTopicOrPart, $"topic '{topic}' was created but did not appear in the metadata within {timeout.TotalMilliseconds:0} ms"));
            }
        }

        var found = view.Topics[0];
        var target = new BenchTarget(false, bootstrapServers, view.Brokers.Count, topic, found.Partitions.Count, found.ReplicationFactor, found.MinInSyncReplicas, created, Simulation: null);
        return new BenchCluster(target, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
