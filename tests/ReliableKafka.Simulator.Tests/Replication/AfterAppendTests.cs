using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Replication;

/// <summary>NOT_ENOUGH_REPLICAS_AFTER_APPEND: the record is in the log although the producer was told it failed, and the ground truth says where.</summary>
public sealed class AfterAppendTests
{
    [Fact]
    public async Task A_refusal_after_append_records_the_offset_the_batch_was_appended_at()
    {
        await using var cluster = ProofCluster.Start("payments", new TopicSettings(1, 3, 2), TimeSpan.FromMilliseconds(300));
        var leader = cluster.Partition().Leader;
        foreach (var follower in cluster.BrokerIds.Where(id => id != leader).ToList())
        {
            cluster.StopFollower(follower);
        }

        using var producer = cluster.Producer(Acks.All, idempotence: false, messageTimeoutMs: 3000);
        // librdkafka retries; the retries are refused with NOT_ENOUGH_REPLICAS before the log, until the message times out.
        await Assert.ThrowsAsync<ProduceException<string, string>>(() => producer.ProduceAsync("payments", new Message<string, string> { Key = "k", Value = "appended, then refused" }));

        var refused = Assert.Single(cluster.Events(TruthEventKind.Refused), static e => e.Error == KafkaErrorCode.NotEnoughReplicasAfterAppend);
        Assert.Equal(0, refused.FirstOffset);
        Assert.Equal(1, cluster.LogEndOffset());
    }
}
