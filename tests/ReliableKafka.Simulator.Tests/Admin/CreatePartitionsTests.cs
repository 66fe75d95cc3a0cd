using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Tests.Admin;

public sealed class CreatePartitionsTests
{
    [Fact]
    public async Task A_topic_grows_new_partitions_that_take_writes_and_cannot_shrink()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3 });
        cluster.CreateTopic("growing", new TopicSettings(2, 3, 2));
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).SetLogHandler((_, _) => { }).Build();

        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "growing", IncreaseTo = 5 }]);
        var metadata = admin.GetMetadata("growing", TimeSpan.FromSeconds(10));
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true })
            .SetLogHandler((_, _) => { }).Build();
        var delivered = await producer.ProduceAsync(new TopicPartition("growing", 4), new Message<string, string> { Key = "k", Value = "v" });
        var shrink = await Assert.ThrowsAsync<CreatePartitionsException>(() => admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "growing", IncreaseTo = 3 }]));

        Assert.Equal(5, metadata.Topics.Single().Partitions.Count);
        Assert.All(metadata.Topics.Single().Partitions, static p => Assert.Equal(3, p.Replicas.Length));
        Assert.Equal((4, 0L), (delivered.Partition.Value, delivered.Offset.Value));
        Assert.Equal(ErrorCode.InvalidPartitions, shrink.Results.Single().Error.Code);
        Assert.Equal(5, cluster.Describe().Topics.Single().Settings.Partitions);
    }
}
