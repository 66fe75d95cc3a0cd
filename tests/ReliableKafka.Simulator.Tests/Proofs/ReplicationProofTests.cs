using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Tests.Proofs;

/// <summary>What acks=1 loses on failover, and what min.insync.replicas refuses, shown with a real client.</summary>
public sealed class ReplicationProofTests
{
    private static IProducer<string, string> Producer(SimulatedCluster cluster, Acks acks, bool idempotence, int messageTimeoutMs = 20000) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            Acks = acks,
            EnableIdempotence = idempotence,
            LingerMs = 0,
            MessageTimeoutMs = messageTimeoutMs,
            SocketTimeoutMs = 2000,
            RetryBackoffMs = 50,
        }).SetLogHandler((_, _) => { }).Build();

    private static List<string> Drain(SimulatedCluster cluster, string topic)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "drain" })
            .SetLogHandler((_, _) => { }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var end = cluster.Describe().Topics.Single(t => t.Name == topic).Partitions[0].HighWatermark;
        var values = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (values.Count < end && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
            {
                values.Add(record.Message.Value);
            }
        }

        return values;
    }

    [Fact]
    public async Task Acks_1_records_the_followers_had_not_copied_are_lost_when_the_leader_crashes()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3 });
        cluster.CreateTopic("clicks", new TopicSettings(1, 3, 1));
        var leader = cluster.Describe().Topics.Single().Partitions[0].Leader;
        using var producer = Producer(cluster, Acks.Leader, idempotence: false);
        var replicated = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => producer.ProduceAsync("clicks", new Message<string, string> { Key = "k", Value = $"early-{i}" })));
        await Task.Delay(300);
        foreach (var follower in cluster.BrokerIds.Where(id => id != leader))
        {
            cluster.SetFollowerLag("clicks", 0, follower, TimeSpan.Zero, stopped: true);
        }

        var unreplicated = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => producer.ProduceAsync("clicks", new Message<string, string> { Key = "k", Value = $"late-{i}" })));
        cluster.CrashBroker(leader);
        foreach (var follower in cluster.BrokerIds.Where(id => id != leader))
        {
            cluster.SetFollowerLag("clicks", 0, follower, TimeSpan.Zero, stopped: false);
        }

        cluster.RestartBroker(leader);
        await Task.Delay(500);
        var log = Drain(cluster, "clicks");

        Assert.All(replicated.Concat(unreplicated), static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(replicated.Select(static r => r.Message.Value), log);
        var truncation = Assert.Single(cluster.Truth.For("clicks", 0), static e => e.Kind == TruthEventKind.Truncated);
        Assert.Equal((leader, unreplicated.Min(static r => r.Offset.Value), unreplicated.Max(static r => r.Offset.Value)), (truncation.Broker, truncation.FirstOffset, truncation.LastOffset));
    }

    [Fact]
    public async Task Below_min_insync_replicas_sends_are_refused_and_retried_until_the_follower_is_back()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, ReplicaLagTimeMax = TimeSpan.FromMilliseconds(300) });
        cluster.CreateTopic("orders", new TopicSettings(1, 3, 3));
        var leader = cluster.Describe().Topics.Single().Partitions[0].Leader;
        var follower = cluster.BrokerIds.First(id => id != leader);
        using var producer = Producer(cluster, Acks.All, idempotence: true);
        Assert.Equal(PersistenceStatus.Persisted, (await producer.ProduceAsync("orders", new Message<string, string> { Key = "k", Value = "before" })).Status);

        cluster.SetFollowerLag("orders", 0, follower, TimeSpan.Zero, stopped: true);
        await producer.ProduceAsync("orders", new Message<string, string> { Key = "k", Value = "lagging" }).WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(static _ => { });
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (cluster.Describe().Topics.Single().Partitions[0].Isr.Count == 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(2, cluster.Describe().Topics.Single().Partitions[0].Isr.Count);
        var appendedBefore = cluster.Truth.For("orders", 0).Count(static e => e.Kind == TruthEventKind.Appended);
        var pending = producer.ProduceAsync("orders", new Message<string, string> { Key = "k", Value = "needs-three" });
        await Task.Delay(1000);
        Assert.False(pending.IsCompleted);

        // NOT_ENOUGH_REPLICAS is answered before the append: nothing was appended since the ISR shrank.
        Assert.Equal(appendedBefore, cluster.Truth.For("orders", 0).Count(static e => e.Kind == TruthEventKind.Appended));
        cluster.SetFollowerLag("orders", 0, follower, TimeSpan.Zero, stopped: false);
        var delivered = await pending.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.Equal(["before", "lagging", "needs-three"], Drain(cluster, "orders"));
        Assert.Equal(3, cluster.Describe().Topics.Single().Partitions[0].Isr.Count);
    }
}
