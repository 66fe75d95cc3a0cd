using System.Text;
using System.Text.Json;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;

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

    /// <summary>Every record of <paramref name="topic"/>; see <see cref="TopicReader.ReadAll"/>.</summary>
    public static List<ReliableKafka.Reading.TopicRecord<string, string>> ReadAll(string bootstrapServers, string topic, int expected) =>
        TopicReader.ReadAll(bootstrapServers, topic, expected);

    public static List<TaskEventRecord> ReadTaskEvents(string bootstrapServers, int expected) =>
        ReadAll(bootstrapServers, "task-events", expected).Select(static r =>
        {
            var value = JsonDocument.Parse(r.Value).RootElement.Clone();
            return new TaskEventRecord(
                r.Key,
                Encoding.UTF8.GetString(r.Headers.GetLastBytes("event-id")),
                value.GetProperty("event_type").GetString()!,
                value.GetProperty("event_id").GetString()!,
                value.GetProperty("task_id").GetString()!,
                value.GetProperty("title").GetString()!,
                value,
                r.Partition,
                r.Offset);
        }).ToList();
}
