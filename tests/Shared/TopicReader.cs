using Confluent.Kafka;

namespace ReliableKafka.Testing;

/// <summary>Reads a topic back with a plain Confluent.Kafka consumer: every partition from the beginning, no group commits.</summary>
internal static class TopicReader
{
    /// <summary>Every record of <paramref name="topic"/>, per partition in offset order, until at least <paramref name="expected"/> arrived and every partition is at its end, or 20 s passed.</summary>
    public static List<ConsumeResult<string, string>> ReadAll(string bootstrapServers, string topic, int expected)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler(static (_, _) => { }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "test-reader", EnablePartitionEof = true, EnableAutoCommit = false })
            .SetLogHandler(static (_, _) => { }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<string, string>>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && (records.Count < expected || atEnd.Count < partitions))
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null)
            {
                continue;
            }

            if (record.IsPartitionEOF)
            {
                atEnd.Add(record.Partition.Value);
                continue;
            }

            atEnd.Remove(record.Partition.Value);
            records.Add(record);
        }

        return records;
    }
}
