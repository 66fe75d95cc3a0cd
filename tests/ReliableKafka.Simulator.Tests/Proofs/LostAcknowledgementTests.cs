using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Tests.Proofs;

/// <summary>
/// The lesson's "network drops before the ack reaches the producer": the leader appends, the response is lost, the
/// client times out and retries. Without idempotence the partition holds duplicates; with it, none.
/// </summary>
public sealed class LostAcknowledgementTests
{
    private const int Messages = 40;

    private static async Task<(IReadOnlyList<DeliveryResult<string, string>> Acked, List<string> Log, SimulatedCluster Cluster)> ProduceWithLostAcksAsync(bool idempotence)
    {
        var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3 });
        cluster.CreateTopic("payments", new TopicSettings(1, 3, 2));
        var leader = cluster.Describe().Topics.Single().Partitions[0].Leader;
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = idempotence,
            MaxInFlight = 1,
            LingerMs = 0,
            RequestTimeoutMs = 1000,
            SocketTimeoutMs = 1000,
            MessageTimeoutMs = 30000,
            RetryBackoffMs = 50,
        }).SetLogHandler((_, _) => { }).Build();

        var acked = new List<DeliveryResult<string, string>>();
        for (var i = 0; i < Messages; i++)
        {
            if (i == 10)
            {
                cluster.FaultsOf(leader).DropProduceResponses(3);
            }

            acked.Add(await producer.ProduceAsync("payments", new Message<string, string> { Key = "account-7", Value = $"payment-{i}" }));
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "audit" })
            .SetLogHandler((_, _) => { }).Build();
        consumer.Assign(new TopicPartitionOffset("payments", 0, Offset.Beginning));
        var log = new List<string>();
        var end = cluster.Describe().Topics.Single().Partitions[0].HighWatermark;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (log.Count < end && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
            {
                log.Add(record.Message.Value);
            }
        }

        return (acked, log, cluster);
    }

    [Fact]
    public async Task Without_idempotence_a_lost_acknowledgement_duplicates_records()
    {
        var (acked, log, cluster) = await ProduceWithLostAcksAsync(idempotence: false);
        await using var _ = cluster;

        Assert.All(acked, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(Messages, log.Distinct().Count());
        Assert.True(log.Count > Messages, $"expected duplicates, the log holds {log.Count} records for {Messages} messages");
        Assert.Equal(3, cluster.Truth.Events.Count(static e => e.Kind == TruthEventKind.ResponseDropped));
    }

    [Fact]
    public async Task With_idempotence_the_retries_are_deduplicated_and_every_message_is_acknowledged_once()
    {
        var (acked, log, cluster) = await ProduceWithLostAcksAsync(idempotence: true);
        await using var _ = cluster;

        Assert.All(acked, static r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(Enumerable.Range(0, Messages).Select(static i => $"payment-{i}"), log);
        Assert.Equal(Messages, acked.Select(static r => r.Offset.Value).Distinct().Count());
        Assert.Equal(3, cluster.Truth.Events.Count(static e => e.Kind == TruthEventKind.ResponseDropped));
        Assert.Contains(cluster.Truth.Events, static e => e.Kind == TruthEventKind.Deduplicated);
    }
}
