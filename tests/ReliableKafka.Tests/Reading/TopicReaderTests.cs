using System.Text;
using Confluent.Kafka;
using ReliableKafka.Reading;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Tests.Reading;

/// <summary>The library's topic reader against the simulated cluster, over real sockets.</summary>
public sealed class TopicReaderTests : IAsyncLifetime
{
    private readonly SimulatedCluster _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = false });

    public TopicReaderTests() =>
        _cluster.CreateTopic("orders", new TopicSettings(Partitions: 3, ReplicationFactor: 3, MinInSyncReplicas: 2));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.DisposeAsync().AsTask();

    [Fact]
    public async Task Reads_every_partition_to_its_end_with_keys_values_headers_and_timestamps_and_an_empty_partition_reads_as_none()
    {
        // Partitions 0 and 2 get records; partition 1 stays empty.
        await ProduceAsync([(0, "a", "a-0"), (2, "c", "c-0"), (0, "a", "a-1"), (2, "c", "c-1"), (0, "a", "a-2")]);

        var records = new TopicReader(_cluster.BootstrapServers) { Timeout = TimeSpan.FromSeconds(20) }.Read<string, string>("orders");

        Assert.Equal(
            ["0:0 a=a-0", "0:1 a=a-1", "0:2 a=a-2", "2:0 c=c-0", "2:1 c=c-1"],
            records.Select(static r => $"{r.Partition}:{r.Offset} {r.Key}={r.Value}"));
        Assert.All(records, static r => Assert.Equal("orders", r.Topic));
        Assert.All(records, static r => Assert.Equal(r.Value, Encoding.UTF8.GetString(r.Headers.GetLastBytes("sent-as"))));
        Assert.All(records, static r => Assert.Equal(TimestampType.CreateTime, r.Timestamp.Type));
        Assert.Equal(new TopicPartitionOffset("orders", 2, 1), records[^1].Position);
    }

    [Fact]
    public async Task Reads_a_partition_from_a_middle_offset_and_up_to_a_bound()
    {
        await ProduceAsync([.. Enumerable.Range(0, 6).Select(static i => (1, "k", $"v{i}"))]);
        var reader = new TopicReader(_cluster.BootstrapServers) { Timeout = TimeSpan.FromSeconds(20) };

        var tail = reader.Read<string, string>("orders", [new PartitionRange(1, From: 3)]);
        var middle = reader.Read<string, string>("orders", [new PartitionRange(1, From: 2, Until: 4), new PartitionRange(0)]);

        Assert.Equal(["3 v3", "4 v4", "5 v5"], tail.Select(static r => $"{r.Offset} {r.Value}"));
        Assert.Equal(["2 v2", "3 v3"], middle.Select(static r => $"{r.Offset} {r.Value}"));
    }

    [Fact]
    public void A_topic_that_does_not_exist_or_has_only_empty_partitions_reads_as_none_at_once()
    {
        var reader = new TopicReader(_cluster.BootstrapServers) { Timeout = TimeSpan.FromSeconds(20) };

        Assert.Equal([0, 1, 2], reader.Partitions("orders"));
        Assert.Empty(reader.Read<string, string>("orders"));
        Assert.Empty(reader.Partitions("no-such-topic"));
        Assert.Empty(reader.Read<string, string>("no-such-topic"));
    }

    private async Task ProduceAsync(IEnumerable<(int Partition, string Key, string Value)> records)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers, Acks = Acks.All })
            .SetLogHandler(static (_, _) => { }).Build();
        foreach (var (partition, key, value) in records)
        {
            await producer.ProduceAsync(
                new TopicPartition("orders", partition),
                new Message<string, string> { Key = key, Value = value, Headers = [new Header("sent-as", Encoding.UTF8.GetBytes(value))] });
        }
    }
}
