using Confluent.Kafka;

namespace TaskApi.Tests.Infrastructure;

/// <summary>What a consumer group has committed, read without joining the group.</summary>
internal static class ConsumerGroups
{
    /// <summary>The notification consumer's group and topic (the Task API's defaults).</summary>
    public const string Notifications = "task-notifications";

    /// <summary>
    /// Whether <paramref name="group"/> has committed every partition of <paramref name="topic"/> up to its end, that is,
    /// has processed every record the topic holds now: later redeliveries cannot happen without a new record.
    /// </summary>
    public static bool HasCommittedToEnd(string bootstrapServers, string group, string topic = "task-events")
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler(static (_, _) => { }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = group, EnableAutoCommit = false })
            .SetLogHandler(static (_, _) => { }).Build();
        var committed = reader.Committed(partitions, TimeSpan.FromSeconds(10));
        return committed.All(c =>
        {
            // A partition the group never read from has no committed offset; it starts at the log start (auto.offset.reset=earliest).
            var watermarks = reader.QueryWatermarkOffsets(c.TopicPartition, TimeSpan.FromSeconds(10));
            var position = c.Offset == Offset.Unset ? watermarks.Low.Value : c.Offset.Value;
            return position >= watermarks.High.Value;
        });
    }
}
