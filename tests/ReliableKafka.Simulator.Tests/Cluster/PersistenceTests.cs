using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Cluster;

public sealed class PersistenceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rk-data-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Logs_topics_and_leader_epochs_survive_a_clean_restart_of_the_cluster()
    {
        var options = new SimulatedClusterOptions { Brokers = 3, DataDirectory = _directory };
        PartitionSnapshot before;
        await using (var cluster = SimulatedCluster.Start(options))
        {
            cluster.CreateTopic("kept", new TopicSettings(2, 3, 2));
            using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true })
                .SetLogHandler((_, _) => { }).Build();
            await Task.WhenAll(Enumerable.Range(0, 100).Select(i => producer.ProduceAsync(new TopicPartition("kept", i % 2), new Message<string, string> { Key = "k", Value = $"v{i}" })));
            cluster.CrashBroker(1);
            cluster.RestartBroker(1);
            await Eventually.WaitUntilAsync(() => cluster.Describe().Topics.Single().Partitions.All(static p => p.Isr.Count == 3), TimeSpan.FromSeconds(15), "the restarted broker rejoining every ISR");
            before = cluster.Describe().Topics.Single().Partitions[0];
        }

        await using var restarted = SimulatedCluster.Start(options);
        var after = restarted.Describe().Topics.Single();
        var values = TopicReader.ReadAll(restarted.BootstrapServers, "kept", expected: 100).Select(static r => r.Value).ToList();

        Assert.Equal(new TopicSettings(2, 3, 2), after.Settings);
        Assert.Equal((before.Leader, before.LeaderEpoch, before.HighWatermark), (after.Partitions[0].Leader, after.Partitions[0].LeaderEpoch, after.Partitions[0].HighWatermark));
        Assert.Equal(50, after.Partitions[0].HighWatermark);
        Assert.Equal(Enumerable.Range(0, 100).Select(static i => $"v{i}").Order(), values.Order());
    }

    [Fact]
    public async Task A_snapshot_of_another_broker_count_is_refused_with_what_to_do()
    {
        await using (var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, DataDirectory = _directory }))
        {
            cluster.CreateTopic("t", new TopicSettings(1, 3, 1));
        }

        var error = Assert.Throws<InvalidDataException>(() => SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 2, DataDirectory = _directory }));

        Assert.EndsWith("holds a 3-broker cluster (format 1); start with --brokers 3, or use another --data-dir.", error.Message, StringComparison.Ordinal);
    }
}
