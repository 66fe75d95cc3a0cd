using Confluent.Kafka;
using ReliableKafka.Testing;

namespace ReliableKafka.Cli.Tests.Proofs;

/// <summary>
/// Kafka's reliability semantics, proven with a real client (Confluent.Kafka over sockets) against <c>rk cluster</c>
/// run as a process, faults applied through its control API, and the outcome checked against the partition read back
/// and the cluster's ground truth (GET /events).
/// </summary>
public sealed class ReplicationProofs
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static Message<string, string> Message(string value) => new() { Key = "k", Value = value };

    private static async Task<List<DeliveryResult<string, string>>> ProduceAllAsync(IProducer<string, string> producer, string topic, string prefix, int count) =>
        [.. await Task.WhenAll(Enumerable.Range(0, count).Select(i => producer.ProduceAsync(topic, Message($"{prefix}-{i}"))))];

    private static async Task<(List<DeliveryResult<string, string>> Acked, List<string> Log, IReadOnlyList<TruthView> Truth)> ProduceWithLostAcksAsync(bool idempotence)
    {
        await using var cluster = await ProofCluster.StartAsync("--topic", "payments:1:3:2");
        var leader = (await cluster.PartitionAsync("payments")).Leader;
        using var producer = cluster.Producer(Acks.All, idempotence, maxInFlight: 1);
        var acked = new List<DeliveryResult<string, string>>();
        for (var i = 0; i < 40; i++)
        {
            if (i == 10)
            {
                await cluster.FaultAsync(new { kind = "drop-produce-responses", broker = leader, count = 3 });
            }

            acked.Add(await producer.ProduceAsync("payments", Message($"payment-{i}")));
        }

        var log = (await cluster.DrainAsync("payments")).Select(static r => r.Value).ToList();
        return (acked, log, await cluster.EventsAsync());
    }

    [Fact]
    public async Task Lost_acknowledgements_without_idempotence_duplicate_records()
    {
        var (acked, log, truth) = await ProduceWithLostAcksAsync(idempotence: false);

        Assert.All(acked, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(40, log.Distinct().Count());
        Assert.True(log.Count > 40, $"expected duplicates, the log holds {log.Count} records for 40 messages");
        Assert.Equal(3, truth.Count(static e => e.Kind == "ResponseDropped"));
    }

    [Fact]
    public async Task Lost_acknowledgements_with_idempotence_are_deduplicated_and_each_message_is_acknowledged_once()
    {
        var (acked, log, truth) = await ProduceWithLostAcksAsync(idempotence: true);

        Assert.All(acked, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(Enumerable.Range(0, 40).Select(static i => $"payment-{i}"), log);
        Assert.Equal(40, acked.Select(static r => r.Offset.Value).Distinct().Count());
        Assert.Equal(3, truth.Count(static e => e.Kind == "ResponseDropped"));
        Assert.Contains(truth, static e => e.Kind == "Deduplicated");
    }

    [Fact]
    public async Task Acks_1_loses_acknowledged_records_the_lagging_followers_had_not_copied_when_the_leader_crashes()
    {
        await using var cluster = await ProofCluster.StartAsync("--topic", "clicks:1:3:1");
        var leader = (await cluster.PartitionAsync("clicks")).Leader;
        using var producer = cluster.Producer(Acks.Leader, idempotence: false);
        var replicated = await ProduceAllAsync(producer, "clicks", "early", 10);
        await cluster.WaitForAsync("clicks", static p => p.HighWatermark == 10, Wait, "replication of the first 10");
        var stops = new List<string>();
        foreach (var follower in cluster.BrokerIds.Where(id => id != leader))
        {
            stops.Add(await cluster.StopFollowerAsync("clicks", 0, follower));
        }

        var unreplicated = await ProduceAllAsync(producer, "clicks", "late", 10);
        await cluster.CrashAsync(leader);
        foreach (var stop in stops)
        {
            await cluster.RemoveFaultAsync(stop);
        }

        await cluster.RestartAsync(leader);
        await cluster.WaitForAsync("clicks", static p => p.Isr.Count == 3, Wait, "the old leader rejoining the ISR");
        var log = await cluster.DrainAsync("clicks");

        Assert.All(replicated.Concat(unreplicated), static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(replicated.Select(static r => r.Message.Value), log.Select(static r => r.Value));
        var truncation = Assert.Single(await cluster.EventsAsync("clicks", "Truncated"));
        Assert.Equal((leader, 10L, 19L), (truncation.Broker, truncation.FirstOffset, truncation.LastOffset));
        Assert.Contains($"broker {leader} truncated offsets 10-19", truncation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acks_all_with_min_insync_2_keeps_every_acknowledged_record_through_a_leader_crash()
    {
        await using var cluster = await ProofCluster.StartAsync("--topic", "orders:1:3:2");
        var leader = (await cluster.PartitionAsync("orders")).Leader;
        using var producer = cluster.Producer(Acks.All, idempotence: true);
        var sends = new List<Task<DeliveryResult<string, string>>>();
        for (var i = 0; i < 600; i++)
        {
            if (i == 300)
            {
                await cluster.CrashAsync(leader);
            }

            sends.Add(producer.ProduceAsync("orders", Message($"order-{i}")));
            if (i % 50 == 0)
            {
                // Pace the sends: wait for this one, so the crash falls among sends still in flight rather than before the first.
                await sends[^1].ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }

        var results = await Task.WhenAll(sends.Select(static s => s.ContinueWith(static t => t.IsCompletedSuccessfully ? t.Result : null)));
        await cluster.RestartAsync(leader);
        var log = (await cluster.DrainAsync("orders")).Select(static r => r.Value).ToList();
        var acked = results.Where(static r => r is not null).Select(static r => r!.Message.Value).ToList();

        Assert.Equal(600, acked.Count);
        Assert.Empty(acked.Except(log));
        Assert.Equal(log.Count, log.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 600).Select(static i => $"order-{i}"), log);
        Assert.Contains(await cluster.EventsAsync("orders", "Elected"), e => e.Broker != leader && e.LeaderEpoch > 0);
    }

    [Fact]
    public async Task Below_min_insync_replicas_sends_are_refused_with_not_enough_replicas_and_delivered_once_the_follower_is_back()
    {
        await using var cluster = await ProofCluster.StartAsync("--topic", "orders:1:3:3", "--replica-lag-time-max-ms", "300");
        var leader = (await cluster.PartitionAsync("orders")).Leader;
        var follower = cluster.BrokerIds.First(id => id != leader);
        using var producer = cluster.Producer(Acks.All, idempotence: true, messageTimeoutMs: 60000);
        Assert.Equal(PersistenceStatus.Persisted, (await producer.ProduceAsync("orders", Message("before"))).Status);

        // A stopped follower leaves the ISR only once the leader has records it lacks (Kafka's isCaughtUp rule).
        var stop = await cluster.StopFollowerAsync("orders", 0, follower);
        var pending = producer.ProduceAsync("orders", Message("lagging"));
        await cluster.WaitForAsync("orders", static p => p.Isr.Count == 2, Wait, "the ISR shrinking to 2");
        await Eventually.WaitUntilAsync(
            async () => (await cluster.EventsAsync("orders", "Refused")).Any(static r => r.Detail!.StartsWith("NOT_ENOUGH_REPLICAS (19)", StringComparison.Ordinal)),
            Wait,
            "a send refused with NOT_ENOUGH_REPLICAS");

        var refusals = await cluster.EventsAsync("orders", "Refused");
        Assert.False(pending.IsCompleted);
        Assert.Contains(refusals, static r => r.Detail!.StartsWith("NOT_ENOUGH_REPLICAS (19)", StringComparison.Ordinal));
        Assert.All(refusals, static r => Assert.Matches(@"^NOT_ENOUGH_REPLICAS(_AFTER_APPEND)? \((19|20)\)", r.Detail!));

        // The retries were refused before the append: "lagging" is in the log once, appended before the ISR shrank.
        Assert.Equal(2, (await cluster.PartitionAsync("orders")).LogEndOffset);
        await cluster.RemoveFaultAsync(stop);
        var delivered = await pending.WaitAsync(Wait);

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.Equal(["before", "lagging"], (await cluster.DrainAsync("orders")).Select(static r => r.Value));
        Assert.Equal(3, (await cluster.PartitionAsync("orders")).Isr.Count);
    }

    [Fact]
    public async Task With_unclean_election_enabled_a_lagging_follower_becomes_leader_and_acknowledged_records_are_lost()
    {
        await using var cluster = await ProofCluster.StartAsync("--topic", "ledger:1:2:1:unclean", "--replica-lag-time-max-ms", "300");
        var partition = await cluster.PartitionAsync("ledger");
        var (leader, follower) = (partition.Leader, partition.Isr.Single(id => id != partition.Leader));
        using (var producer = cluster.Producer(Acks.All, idempotence: false))
        {
            await ProduceAllAsync(producer, "ledger", "early", 5);
            await cluster.WaitForAsync("ledger", static p => p.HighWatermark == 5, Wait, "replication of the first 5");
            await cluster.StopFollowerAsync("ledger", 0, follower);
            var late = await ProduceAllAsync(producer, "ledger", "late", 10);
            Assert.All(late, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
            Assert.Equal([leader], (await cluster.PartitionAsync("ledger")).Isr);
        }

        await cluster.CrashAsync(leader);
        var afterElection = await cluster.WaitForAsync("ledger", p => p.Leader == follower, Wait, "the unclean election of the lagging follower");
        using (var producer = cluster.Producer(Acks.All, idempotence: false))
        {
            await ProduceAllAsync(producer, "ledger", "after", 3);
        }

        await cluster.RestartAsync(leader);
        await cluster.WaitForAsync("ledger", static p => p.Isr.Count == 2, Wait, "the old leader rejoining");
        var log = (await cluster.DrainAsync("ledger")).Select(static r => r.Value).ToList();

        Assert.Equal([.. Enumerable.Range(0, 5).Select(static i => $"early-{i}"), .. Enumerable.Range(0, 3).Select(static i => $"after-{i}")], log);
        Assert.Contains(await cluster.EventsAsync("ledger", "Elected"), e => e.Broker == follower && e.LeaderEpoch == afterElection.LeaderEpoch && e.Detail!.StartsWith("unclean election", StringComparison.Ordinal));
        var truncation = Assert.Single(await cluster.EventsAsync("ledger", "Truncated"));
        Assert.Equal((leader, 5L, 14L), (truncation.Broker, truncation.FirstOffset, truncation.LastOffset));
    }

    [Fact]
    public async Task With_unclean_election_disabled_the_partition_stays_offline_until_an_in_sync_replica_returns_and_nothing_is_lost()
    {
        await using var cluster = await ProofCluster.StartAsync("--topic", "ledger:1:2:1", "--replica-lag-time-max-ms", "300");
        var partition = await cluster.PartitionAsync("ledger");
        var (leader, follower) = (partition.Leader, partition.Isr.Single(id => id != partition.Leader));
        using var producer = cluster.Producer(Acks.All, idempotence: true, messageTimeoutMs: 60000);
        var stop = await cluster.StopFollowerAsync("ledger", 0, follower);
        var acked = await ProduceAllAsync(producer, "ledger", "acked", 10);
        Assert.Equal([leader], (await cluster.PartitionAsync("ledger")).Isr);

        await cluster.CrashAsync(leader);
        await cluster.RemoveFaultAsync(stop);
        var pending = producer.ProduceAsync("ledger", Message("while-offline"));
        var offline = await cluster.PartitionAsync("ledger");

        Assert.Equal(-1, offline.Leader);
        Assert.Contains(await cluster.EventsAsync("ledger", "Elected"), static e => e.Broker == -1 && e.Detail!.StartsWith("offline", StringComparison.Ordinal));

        await cluster.RestartAsync(leader);
        var delivered = await pending.WaitAsync(Wait);
        var log = (await cluster.DrainAsync("ledger")).Select(static r => r.Value).ToList();

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.Equal(leader, (await cluster.PartitionAsync("ledger")).Leader);
        Assert.Equal([.. acked.Select(static r => r.Message.Value), "while-offline"], log);
        Assert.Empty(await cluster.EventsAsync("ledger", "Truncated"));

        // While offline nothing was appended: "while-offline" went in only after the old leader's return ended the offline period.
        var history = await cluster.EventsAsync("ledger");
        var offlineAt = history.ToList().FindLastIndex(static e => e.Kind == "Elected" && e.Broker == -1);
        var appendedAt = history.ToList().FindIndex(e => e.Kind == "Appended" && e.FirstOffset <= acked.Count && e.LastOffset >= acked.Count);
        var returnAt = history.ToList().FindIndex(offlineAt, e => e.Kind == "Elected" && e.Broker == leader);
        Assert.True(offlineAt < returnAt && returnAt < appendedAt, $"offline at event {offlineAt}, leader back at {returnAt}, \"while-offline\" appended at {appendedAt}");
    }

    [Fact]
    public async Task Consumers_never_read_above_the_high_watermark()
    {
        await using var cluster = await ProofCluster.StartAsync("--topic", "reads:1:3:1");
        var leader = (await cluster.PartitionAsync("reads")).Leader;
        using var producer = cluster.Producer(Acks.Leader, idempotence: false);
        await ProduceAllAsync(producer, "reads", "replicated", 5);
        await cluster.WaitForAsync("reads", static p => p.HighWatermark == 5, Wait, "replication of the first 5");
        var stops = new List<string>();
        foreach (var follower in cluster.BrokerIds.Where(id => id != leader))
        {
            stops.Add(await cluster.StopFollowerAsync("reads", 0, follower));
        }

        await ProduceAllAsync(producer, "reads", "unreplicated", 20);
        var held = await cluster.PartitionAsync("reads");
        Assert.Equal((5L, 25L), (held.HighWatermark, held.LogEndOffset));

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "hw-reader", FetchWaitMaxMs = 50 })
            .SetLogHandler(static (_, _) => { }).Build();
        consumer.Assign(new TopicPartitionOffset("reads", 0, Offset.Beginning));
        var seen = new List<long>();
        var until = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < until)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                seen.Add(record.Offset.Value);
            }
        }

        Assert.Equal([0L, 1, 2, 3, 4], seen);
        Assert.Equal(5, consumer.QueryWatermarkOffsets(new TopicPartition("reads", 0), TimeSpan.FromSeconds(5)).High.Value);

        foreach (var stop in stops)
        {
            await cluster.RemoveFaultAsync(stop);
        }

        await cluster.WaitForAsync("reads", static p => p.HighWatermark == 25, Wait, "the high watermark reaching the log end");
        until = DateTime.UtcNow.Add(Wait);
        while (seen.Count < 25 && DateTime.UtcNow < until)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                seen.Add(record.Offset.Value);
            }
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(static i => (long)i), seen);
    }
}
