using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Tests.Cluster;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Hostile;

public sealed class ReplicationGuardTests
{
    /// <summary>
    /// A follower whose log cannot take the leader's next batch makes its fetch throw. The failure is logged with the
    /// partition and replica, that replica stops fetching that partition, and every other partition keeps replicating:
    /// an acks=all write that needs all three replicas of another topic still succeeds.
    /// </summary>
    [Fact]
    public async Task A_replica_fetch_that_throws_is_logged_and_other_partitions_keep_replicating()
    {
        var logs = new RecordingLoggerFactory();
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, LoggerFactory = logs });
        cluster.CreateTopic("poisoned", new TopicSettings(1, 3, 1));
        cluster.CreateTopic("healthy", new TopicSettings(3, 3, 3));
        var poisoned = cluster.FindTopic("poisoned")!.Partitions[0];
        var follower = poisoned.ReplicaIds.First(id => id != poisoned.Leader);
        // A log end offset of -4: the leader's batch at offset 0 can no longer follow it, so the copy throws.
        poisoned.ReplicaOf(follower).Log.Append(new StoredBatch(0, -5, 0, -1, -1, -1, -1, ReliableKafka.Simulator.Protocol.RecordBatchBuilder.Create(1), DateTimeOffset.UnixEpoch));

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = 15_000,
        }).SetLogHandler((_, _) => { }).Build();
        using (var leaderOnly = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.Leader }).SetLogHandler((_, _) => { }).Build())
        {
            // acks=1: the poisoned follower never catches up, so an acks=all write here would wait for the ISR to shrink.
            await leaderOnly.ProduceAsync("poisoned", new Message<string, string> { Key = "k", Value = "makes the follower's fetch throw" });
        }


        var failure = await logs.WaitForAsync("ReplicationFailed");

        Assert.Equal("poisoned", failure.Values["Topic"]);
        Assert.Equal(follower, failure.Values["Replica"]);
        Assert.IsType<InvalidOperationException>(failure.Exception);
        for (var partition = 0; partition < 3; partition++)
        {
            var result = await producer.ProduceAsync(new TopicPartition("healthy", partition), new Message<string, string> { Key = "k", Value = "replicated to all three" });
            Assert.Equal(PersistenceStatus.Persisted, result.Status);
        }

        Assert.Single(logs.Entries, static e => e.EventId.Name == "ReplicationFailed");
        await Eventually.WaitUntilAsync(
            () => cluster.Describe().Topics.Single(static t => t.Name == "healthy").Partitions.All(static p => p.LogEndOffsets.Values.All(static leo => leo == 1)),
            TimeSpan.FromSeconds(10),
            "every replica of the healthy topic holding its record");
    }
}
