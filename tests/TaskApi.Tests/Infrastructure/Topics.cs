using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;

namespace TaskApi.Tests.Infrastructure;

/// <summary>One record of task-events, decoded.</summary>
internal sealed record TaskEventRecord(string Key, string EventIdHeader, string EventType, string EventId, string TaskId, string Title, JsonElement Value, int Partition, long Offset);

/// <summary>Reads topics back with a plain Confluent.Kafka consumer (no group: every partition from the beginning).</summary>
internal static class Topics
{
    public static SimulatedCluster StartCluster()
    {
        var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = true });
        cluster.CreateTopic("task-events", new TopicSettings(Partitions: 3, ReplicationFactor: 3, MinInSyncReplicas: 2));
        cluster.CreateTopic("dead-letter-queue", new TopicSettings(Partitions: 1, ReplicationFactor: 3, MinInSyncReplicas: 2));
        return cluster;
    }

    /// <summary>Every record of <paramref name="topic"/> until at least <paramref name="expected"/> arrived and every partition is at its end, or 20 s passed.</summary>
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

    public static List<TaskEventRecord> ReadTaskEvents(string bootstrapServers, int expected) =>
        ReadAll(bootstrapServers, "task-events", expected).Select(static r =>
        {
            var value = JsonDocument.Parse(r.Message.Value).RootElement.Clone();
            return new TaskEventRecord(
                r.Message.Key,
                Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("event-id")),
                value.GetProperty("event_type").GetString()!,
                value.GetProperty("event_id").GetString()!,
                value.GetProperty("task_id").GetString()!,
                value.GetProperty("title").GetString()!,
                value,
                r.Partition.Value,
                r.Offset.Value);
        }).ToList();
}
