using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Testing;

namespace ReliableKafka.Tests.DeadLetters;

/// <summary>Every message gets exactly one outcome, also when the producer is disposed while its dead letter is on the way.</summary>
public sealed class DeadLetterDisposeTests : IDisposable
{
    private readonly string _spill = Infrastructure.TestProducers.TempSpillPath();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_spill + suffix);
        }
    }

    /// <summary>
    /// The dead-letter topic's leader is paused (SIGSTOP, never fenced here), so the dead letter hangs. Disposing the
    /// producer must still complete the publish: the dead letter goes to the local spill and the outcome says so. Before
    /// the fix the dead-letter producer was disposed under the pending send and the publish never completed.
    /// </summary>
    [Fact]
    public async Task Disposing_while_a_dead_letter_is_in_flight_still_gives_the_message_its_outcome()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { BrokerSessionTimeout = TimeSpan.FromMinutes(10) });
        cluster.CreateTopic("orders", new TopicSettings(1, 3, 2));
        cluster.CreateTopic("orders-dlq", new TopicSettings(1, 3, 1));
        var ordersLeader = cluster.Describe().Topics.Single(t => t.Name == "orders").Partitions[0].Leader;
        var dlqLeader = cluster.BrokerIds.First(id => id != ordersLeader);
        cluster.Apply(new MoveLeader(dlqLeader, "orders-dlq"));
        var producer = new ReliableProducer<string, string>(new ReliableProducerOptions
        {
            Profile = ReliabilityProfile.Critical,
            BootstrapServers = cluster.BootstrapServers,
            ShutdownTimeout = TimeSpan.FromSeconds(1),
            DeadLetters = new DeadLetterOptions { Topic = "orders-dlq", SpillPath = _spill, OpenSpill = ReliableKafka.DeadLetters.Sqlite.SqliteDeadLetterSpill.Open },
        });
        await producer.PublishAsync("orders", "warm-up", "makes the producer know both leaders");
        cluster.Apply(new PauseBroker(dlqLeader));
        cluster.Apply(new InjectError(ordersLeader, KafkaErrorCode.InvalidRecord, ApiKey.Produce, 1, "orders"));

        var publish = producer.PublishAsync("orders", "o-1", "refused, then dead-lettered");
        await Eventually.WaitUntilAsync(() => cluster.Truth.Events.Any(static e => e.Kind == TruthEventKind.ErrorInjected), TimeSpan.FromSeconds(20), "the broker refuses the record");
        await producer.DisposeAsync();
        await Eventually.WaitUntilAsync(() => publish.IsCompleted, TimeSpan.FromSeconds(20), "the publish completes after dispose");

        var outcome = await publish;
        Assert.Equal(DeliveryStatus.Failed, outcome.Status);
        Assert.Equal(ErrorCode.InvalidRecord, outcome.Error);
        Assert.Equal(FailureDisposition.SpilledLocally, outcome.Disposition);
    }
}
