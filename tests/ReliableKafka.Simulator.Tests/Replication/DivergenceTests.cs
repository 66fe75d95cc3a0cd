using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Replication;

/// <summary>In-sync replicas never disagree below the high watermark, whatever order leaders came and went in.</summary>
public sealed class DivergenceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static IProducer<string, string> Producer(SimulatedCluster cluster, Acks acks) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            Acks = acks,
            LingerMs = 0,
            MessageTimeoutMs = 30000,
            RequestTimeoutMs = 1000,
            RetryBackoffMs = 50,
            TopicMetadataRefreshIntervalMs = 500,
        }).SetLogHandler(static (_, _) => { }).Build();

    private static async Task ProduceAsync(IProducer<string, string> producer, string topic, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var result = await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = $"{prefix}-{i}" });
            Assert.Equal(PersistenceStatus.Persisted, result.Status);
        }
    }

    /// <summary>
    /// Replicas [L, A, B], min.insync.replicas 1, unclean election off. Epoch 0 writes 3 records everywhere, then 2 more
    /// that only B copies (A stopped fetching). B stops too; L crashes and A leads epoch 1, writing 5 records; A crashes
    /// and B, still in the ISR, leads epoch 2 and writes 1. When A comes back, Kafka (KIP-279) truncates it to offset 3:
    /// B never had epoch 1, and answers that its epoch 0 ends at 5, while A's epoch 0 ends at 3.
    /// </summary>
    [Fact]
    public async Task A_returning_replica_drops_an_epoch_the_new_leader_never_had_and_matches_it_below_the_high_watermark()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("ledger", new TopicSettings(1, 3, 1));
        var partition = cluster.FindPartition("ledger", 0)!;
        var (l, a, b) = (partition.ReplicaIds[0], partition.ReplicaIds[1], partition.ReplicaIds[2]);
        using var all = Producer(cluster, Acks.All);
        using var one = Producer(cluster, Acks.Leader);

        await ProduceAsync(all, "ledger", "everywhere", 3);
        var stopA = cluster.Apply(new LagFollower(a, "ledger", Stop: true));
        await ProduceAsync(one, "ledger", "epoch0", 2);
        await Eventually.WaitUntilAsync(() => partition.LogEndOffset(b) == 5, Wait, "B copies offsets 3-4");
        var stopB = cluster.Apply(new LagFollower(b, "ledger", Stop: true));

        cluster.Apply(new CrashBroker(l));
        await Eventually.WaitUntilAsync(() => partition.Leader == a, Wait, "A leads epoch 1");
        await ProduceAsync(one, "ledger", "epoch1", 5);
        Assert.Equal(8, partition.LogEndOffset(a));

        cluster.Apply(new CrashBroker(a));
        await Eventually.WaitUntilAsync(() => partition.Leader == b, Wait, "B leads epoch 2");
        stopB.Remove();
        await ProduceAsync(one, "ledger", "epoch2", 1);

        stopA.Remove();
        cluster.Apply(new RestartBroker(a));
        await Eventually.WaitUntilAsync(() => partition.LogEndOffset(a) == partition.LogEndOffset(b) && partition.Isr.Contains(a), Wait, "A catches up and rejoins the ISR");

        var truncated = Assert.Single(cluster.Truth.For("ledger", 0), e => e.Kind == TruthEventKind.Truncated && e.Broker == a);
        Assert.Equal((3L, 7L), (truncated.FirstOffset, truncated.LastOffset));
        Assert.Equal(Describe(partition.BatchesOf(b)), Describe(partition.BatchesOf(a)));
        Assert.Equal([0, 0, 0, 0, 0, 2], partition.BatchesOf(a).Select(static batch => batch.LeaderEpoch));
    }

    /// <summary>
    /// KIP-320 through librdkafka: a consumer that read records an unclean election then removed asks the new leader
    /// (OffsetForLeaderEpoch) where the epoch of its position ends, and carries on from there, so it reads the first
    /// record the new leader wrote. Without the answer it would fetch past the new log end and skip to the latest offset.
    /// </summary>
    [Fact]
    public async Task A_consumer_detects_truncation_by_an_unclean_election_and_reads_on_from_where_the_new_leader_diverged()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { ReplicaLagTimeMax = TimeSpan.FromMilliseconds(300) });
        cluster.CreateTopic("metrics", new TopicSettings(1, 2, 1, UncleanLeaderElection: true));
        var partition = cluster.FindPartition("metrics", 0)!;
        var (leader, follower) = (partition.ReplicaIds[0], partition.ReplicaIds[1]);
        using var all = Producer(cluster, Acks.All);
        using var one = Producer(cluster, Acks.Leader);
        await ProduceAsync(all, "metrics", "kept", 3);
        cluster.Apply(new LagFollower(follower, "metrics", Stop: true));
        await ProduceAsync(one, "metrics", "lost", 3);
        await Eventually.WaitUntilAsync(() => partition.HighWatermark == 6 && !partition.Isr.Contains(follower), Wait, "the follower leaves the ISR and the high watermark reaches 6");

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "metrics-reader",
            AutoOffsetReset = AutoOffsetReset.Latest,
            EnableAutoCommit = false,
            TopicMetadataRefreshIntervalMs = 200,
        }).SetLogHandler(static (_, _) => { }).Build();
        consumer.Assign(new TopicPartitionOffset("metrics", 0, Offset.Beginning));
        var read = new List<(long Offset, string Value)>();
        await Eventually.WaitUntilAsync(() => Poll(consumer, read) && read.Count == 6, Wait, "the consumer reads offsets 0-5");

        cluster.Apply(new CrashBroker(leader));
        await Eventually.WaitUntilAsync(() => partition.Leader == follower, Wait, "an unclean election");
        await ProduceAsync(one, "metrics", "new", 1);
        await Eventually.WaitUntilAsync(() => Poll(consumer, read) && read.Count == 7, Wait, "the consumer reads the new leader's first record");

        Assert.Equal((3L, "new-0"), read[6]);
        Assert.Contains(cluster.Truth.For("metrics", 0), static e => e.Kind == TruthEventKind.Elected && e.Election == ElectionKind.Unclean);
    }

    private static bool Poll(IConsumer<string, string> consumer, List<(long Offset, string Value)> read)
    {
        var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
        if (record is { IsPartitionEOF: false, Message: not null })
        {
            read.Add((record.Offset.Value, record.Message.Value));
        }

        return true;
    }

    private static string Describe(IReadOnlyList<StoredBatch> batches) =>
        string.Join(" ", batches.Select(static batch => $"{batch.BaseOffset}-{batch.LastOffset}@{batch.LeaderEpoch}:{Convert.ToHexString(batch.Data.Span)}"));
}
