using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Proofs;

/// <summary>
/// Kafka's reliability semantics, proven with a real client (Confluent.Kafka over sockets) against an in-process
/// cluster, faults applied with <see cref="SimulatedCluster.Apply"/>, and the outcome checked against the partition
/// read back and the cluster's typed ground truth.
/// </summary>
public sealed class ReplicationProofs
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static Message<string, string> Message(string value) => new() { Key = "k", Value = value };

    private static async Task<List<DeliveryResult<string, string>>> ProduceAllAsync(IProducer<string, string> producer, string topic, string prefix, int count) =>
        [.. await Task.WhenAll(Enumerable.Range(0, count).Select(i => producer.ProduceAsync(topic, Message($"{prefix}-{i}"))))];

    private static async Task<(List<DeliveryResult<string, string>> Acked, List<string> Log, IReadOnlyList<TruthEvent> Truth)> ProduceWithLostAcksAsync(bool idempotence)
    {
        await using var cluster = ProofCluster.Start("payments", new TopicSettings(1, 3, 2));
        var leader = cluster.Partition().Leader;
        using var producer = cluster.Producer(Acks.All, idempotence, maxInFlight: 1);
        var acked = new List<DeliveryResult<string, string>>();
        for (var i = 0; i < 40; i++)
        {
            if (i == 10)
            {
                cluster.Apply(new DropProduceResponses(leader, Count: 3));
            }

            acked.Add(await producer.ProduceAsync("payments", Message($"payment-{i}")));
        }

        var log = cluster.Drain().Select(static r => r.Value).ToList();
        return (acked, log, cluster.Events());
    }

    [Fact]
    public async Task Lost_acknowledgements_without_idempotence_duplicate_records()
    {
        var (acked, log, truth) = await ProduceWithLostAcksAsync(idempotence: false);

        Assert.All(acked, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(40, log.Distinct().Count());
        Assert.True(log.Count > 40, $"expected duplicates, the log holds {log.Count} records for 40 messages");
        Assert.Equal(3, truth.Count(static e => e.Kind == TruthEventKind.ResponseDropped && e.Api == ApiKey.Produce));
        Assert.DoesNotContain(truth, static e => e.Kind == TruthEventKind.Deduplicated);
    }

    [Fact]
    public async Task Lost_acknowledgements_with_idempotence_are_deduplicated_and_each_message_is_acknowledged_once()
    {
        var (acked, log, truth) = await ProduceWithLostAcksAsync(idempotence: true);

        Assert.All(acked, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(Enumerable.Range(0, 40).Select(static i => $"payment-{i}"), log);
        Assert.Equal(40, acked.Select(static r => r.Offset.Value).Distinct().Count());
        Assert.Equal(3, truth.Count(static e => e.Kind == TruthEventKind.ResponseDropped));
        Assert.Contains(truth, static e => e.Kind == TruthEventKind.Deduplicated && e.FirstSequence is not null && e.FirstOffset >= 10);
    }

    [Fact]
    public async Task Acks_1_loses_acknowledged_records_the_lagging_followers_had_not_copied_when_the_leader_crashes()
    {
        await using var cluster = ProofCluster.Start("clicks", new TopicSettings(1, 3, 1));
        var leader = cluster.Partition().Leader;
        using var producer = cluster.Producer(Acks.Leader, idempotence: false);
        var replicated = await ProduceAllAsync(producer, "clicks", "early", 10);
        await cluster.WaitForAsync(static p => p.HighWatermark == 10, Wait, "replication of the first 10");
        var stops = cluster.BrokerIds.Where(id => id != leader).Select(id => cluster.StopFollower(id)).ToList();

        var unreplicated = await ProduceAllAsync(producer, "clicks", "late", 10);
        cluster.Crash(leader);
        stops.ForEach(static stop => stop.Remove());

        cluster.Restart(leader);
        await cluster.WaitForAsync(static p => p.Isr.Count == 3, Wait, "the old leader rejoining the ISR");
        var log = cluster.Drain();

        Assert.All(replicated.Concat(unreplicated), static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(replicated.Select(static r => r.Message.Value), log.Select(static r => r.Value));
        var truncation = Assert.Single(cluster.Events(TruthEventKind.Truncated));
        Assert.Equal((leader, 10L, 19L), (truncation.Broker, truncation.FirstOffset, truncation.LastOffset));
        var election = cluster.Events(TruthEventKind.Elected).Last(static e => e.Election == ElectionKind.Clean);
        Assert.Equal((election.Broker, election.LeaderEpoch), (truncation.Leader, truncation.LeaderEpoch));
    }

    [Fact]
    public async Task Acks_all_with_min_insync_2_keeps_every_acknowledged_record_through_a_leader_crash()
    {
        await using var cluster = ProofCluster.Start("orders", new TopicSettings(1, 3, 2));
        var leader = cluster.Partition().Leader;
        using var producer = cluster.Producer(Acks.All, idempotence: true);
        var sends = new List<Task<DeliveryResult<string, string>>>();
        for (var i = 0; i < 600; i++)
        {
            if (i == 300)
            {
                // Crash once the first half is in the log, so the crash falls in the middle of the stream.
                await cluster.WaitUntilAsync(() => cluster.Events(TruthEventKind.Appended).Sum(static e => e.LastOffset - e.FirstOffset + 1) >= 150, Wait, "half of the first 300 appended");
                cluster.Crash(leader);
            }

            sends.Add(producer.ProduceAsync("orders", Message($"order-{i}")));
        }

        var results = await Task.WhenAll(sends.Select(static s => s.ContinueWith(static t => t.IsCompletedSuccessfully ? t.Result : null)));
        cluster.Restart(leader);
        var log = cluster.Drain().Select(static r => r.Value).ToList();
        var acked = results.Where(static r => r is not null).Select(static r => r!.Message.Value).ToList();

        Assert.Equal(600, acked.Count);
        Assert.Empty(acked.Except(log));
        Assert.Equal(log.Count, log.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 600).Select(static i => $"order-{i}"), log);
        Assert.Contains(cluster.Events(TruthEventKind.Elected), e => e.Broker != leader && e.LeaderEpoch > 0 && e.Election == ElectionKind.Clean);
        Assert.DoesNotContain(cluster.Events(TruthEventKind.Truncated), static t => t.FirstOffset < 600);
    }

    [Fact]
    public async Task Below_min_insync_replicas_sends_are_refused_with_not_enough_replicas_and_delivered_once_the_follower_is_back()
    {
        await using var cluster = ProofCluster.Start("orders", new TopicSettings(1, 3, 3), replicaLagTimeMax: TimeSpan.FromMilliseconds(300));
        var leader = cluster.Partition().Leader;
        var follower = cluster.BrokerIds.First(id => id != leader);
        using var producer = cluster.Producer(Acks.All, idempotence: true, messageTimeoutMs: 60000);
        Assert.Equal(PersistenceStatus.Persisted, (await producer.ProduceAsync("orders", Message("before"))).Status);

        // A stopped follower leaves the ISR only once the leader has records it lacks (Kafka's isCaughtUp rule).
        var stop = cluster.StopFollower(follower);
        var pending = producer.ProduceAsync("orders", Message("lagging"));
        await cluster.WaitForAsync(static p => p.Isr.Count == 2, Wait, "the ISR shrinking to 2");
        await cluster.WaitUntilAsync(() => cluster.Events(TruthEventKind.Refused).Any(static r => r.Error == KafkaErrorCode.NotEnoughReplicas), Wait, "a retry refused with NOT_ENOUGH_REPLICAS");

        var refusals = cluster.Events(TruthEventKind.Refused);
        Assert.False(pending.IsCompleted);
        Assert.All(refusals, static r => Assert.Contains(r.Error, new KafkaErrorCode?[] { KafkaErrorCode.NotEnoughReplicas, KafkaErrorCode.NotEnoughReplicasAfterAppend }));
        Assert.All(refusals, static r => Assert.Equal((short)-1, r.Acks));
        var shrink = cluster.Events(TruthEventKind.IsrChanged).Last();
        Assert.Equal(IsrChangeReason.Lagging, shrink.IsrChange);
        Assert.DoesNotContain(follower, shrink.Isr!);

        // The retries were refused before the append: "lagging" is in the log once, appended before the ISR shrank.
        Assert.Equal(2, cluster.LogEndOffset());
        stop.Remove();
        var delivered = await pending.WaitAsync(Wait);

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.Equal(["before", "lagging"], cluster.Drain().Select(static r => r.Value));
        Assert.Equal(3, cluster.Partition().Isr.Count);
        Assert.Contains(cluster.Events(TruthEventKind.IsrChanged), e => e.IsrChange == IsrChangeReason.CaughtUp && e.Broker == follower);
    }

    [Fact]
    public async Task With_unclean_election_enabled_a_lagging_follower_becomes_leader_and_acknowledged_records_are_lost()
    {
        await using var cluster = ProofCluster.Start("ledger", new TopicSettings(1, 2, 1, UncleanLeaderElection: true), replicaLagTimeMax: TimeSpan.FromMilliseconds(300));
        var partition = cluster.Partition();
        var (leader, follower) = (partition.Leader, partition.Isr.Single(id => id != partition.Leader));
        using (var producer = cluster.Producer(Acks.All, idempotence: false))
        {
            await ProduceAllAsync(producer, "ledger", "early", 5);
            await cluster.WaitForAsync(static p => p.HighWatermark == 5, Wait, "replication of the first 5");
            cluster.StopFollower(follower);
            var late = await ProduceAllAsync(producer, "ledger", "late", 10);
            Assert.All(late, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
            Assert.Equal([leader], cluster.Partition().Isr);
        }

        cluster.Crash(leader);
        var afterElection = await cluster.WaitForAsync(p => p.Leader == follower, Wait, "the unclean election of the lagging follower");
        using (var producer = cluster.Producer(Acks.All, idempotence: false))
        {
            await ProduceAllAsync(producer, "ledger", "after", 3);
        }

        cluster.Restart(leader);
        await cluster.WaitForAsync(static p => p.Isr.Count == 2, Wait, "the old leader rejoining");
        var log = cluster.Drain().Select(static r => r.Value).ToList();

        Assert.Equal([.. Enumerable.Range(0, 5).Select(static i => $"early-{i}"), .. Enumerable.Range(0, 3).Select(static i => $"after-{i}")], log);
        var election = Assert.Single(cluster.Events(TruthEventKind.Elected), static e => e.Election == ElectionKind.Unclean);
        Assert.Equal((follower, afterElection.LeaderEpoch, 5L), (election.Broker, election.LeaderEpoch, election.FirstOffset));
        Assert.Equal([follower], election.Isr!);
        var truncation = Assert.Single(cluster.Events(TruthEventKind.Truncated));
        Assert.Equal((leader, 5L, 14L, follower), (truncation.Broker, truncation.FirstOffset, truncation.LastOffset, truncation.Leader));
    }

    [Fact]
    public async Task With_unclean_election_disabled_the_partition_stays_offline_until_an_in_sync_replica_returns_and_nothing_is_lost()
    {
        await using var cluster = ProofCluster.Start("ledger", new TopicSettings(1, 2, 1), replicaLagTimeMax: TimeSpan.FromMilliseconds(300));
        var partition = cluster.Partition();
        var (leader, follower) = (partition.Leader, partition.Isr.Single(id => id != partition.Leader));
        using var producer = cluster.Producer(Acks.All, idempotence: true, messageTimeoutMs: 60000);
        var stop = cluster.StopFollower(follower);
        var acked = await ProduceAllAsync(producer, "ledger", "acked", 10);
        Assert.Equal([leader], cluster.Partition().Isr);

        cluster.Crash(leader);
        stop.Remove();
        var pending = producer.ProduceAsync("ledger", Message("while-offline"));
        var offline = Assert.Single(cluster.Events(TruthEventKind.Elected), static e => e.Election == ElectionKind.Offline);
        await cluster.WaitForAsync(p => p.LogEndOffsets[follower] == 0 && !p.Isr.Contains(follower), Wait, "the follower out of the ISR with nothing copied");

        Assert.Equal(-1, offline.Broker);
        Assert.Equal([leader], offline.Isr!);
        Assert.Equal(-1, cluster.Partition().Leader);

        cluster.Restart(leader);
        var delivered = await pending.WaitAsync(Wait);
        var log = cluster.Drain().Select(static r => r.Value).ToList();

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.Equal(leader, cluster.Partition().Leader);
        Assert.Equal([.. acked.Select(static r => r.Message.Value), "while-offline"], log);
        Assert.Empty(cluster.Events(TruthEventKind.Truncated));

        // Nothing was appended while the partition had no leader: the append of "while-offline" follows the restart.
        var restarted = cluster.Events(TruthEventKind.BrokerStateChanged).Single(e => e.Broker == leader && e.BrokerState == BrokerStateChange.Restarted);
        Assert.DoesNotContain(cluster.Events(TruthEventKind.Appended), e => e.Sequence > offline.Sequence && e.Sequence < restarted.Sequence);
        Assert.Contains(cluster.Events(TruthEventKind.Elected), e => e.Sequence > restarted.Sequence && e.Broker == leader && e.Election == ElectionKind.Clean);
    }

    [Fact]
    public async Task Consumers_never_read_above_the_high_watermark()
    {
        await using var cluster = ProofCluster.Start("reads", new TopicSettings(1, 3, 1));
        var leader = cluster.Partition().Leader;
        using var producer = cluster.Producer(Acks.Leader, idempotence: false);
        await ProduceAllAsync(producer, "reads", "replicated", 5);
        await cluster.WaitForAsync(static p => p.HighWatermark == 5, Wait, "replication of the first 5");
        var stops = cluster.BrokerIds.Where(id => id != leader).Select(id => cluster.StopFollower(id)).ToList();

        await ProduceAllAsync(producer, "reads", "unreplicated", 20);
        var held = cluster.Partition();
        Assert.Equal((5L, 25L), (held.HighWatermark, cluster.LogEndOffset()));

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "hw-reader", FetchWaitMaxMs = 50, EnablePartitionEof = true })
            .SetLogHandler(static (_, _) => { }).Build();
        consumer.Assign(new TopicPartitionOffset("reads", 0, Offset.Beginning));

        // The end of the partition, as the broker reports it to the consumer, is the high watermark: 5 records, then EOF.
        var seen = ConsumeUntilEof(consumer);
        Assert.Equal([0L, 1, 2, 3, 4], seen);
        Assert.Equal(5, consumer.QueryWatermarkOffsets(new TopicPartition("reads", 0), TimeSpan.FromSeconds(5)).High.Value);

        stops.ForEach(static stop => stop.Remove());
        await cluster.WaitForAsync(static p => p.HighWatermark == 25, Wait, "the high watermark reaching the log end");
        seen.AddRange(ConsumeUntilEof(consumer, from: 5, upTo: 25));

        Assert.Equal(Enumerable.Range(0, 25).Select(static i => (long)i), seen);
    }

    /// <summary>Consumes until the partition end the broker reports (at least <paramref name="upTo"/>), failing after <see cref="Wait"/>.</summary>
    private static List<long> ConsumeUntilEof(IConsumer<string, string> consumer, long from = 0, long upTo = 0)
    {
        var seen = new List<long>();
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no end of partition at {upTo} or beyond within {Wait.TotalSeconds:0} s; read {string.Join(",", seen)}");
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is { IsPartitionEOF: true } && record.Offset.Value >= Math.Max(upTo, from))
            {
                return seen;
            }

            if (record is { IsPartitionEOF: false })
            {
                seen.Add(record.Offset.Value);
            }
        }
    }
}
