using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ReliableKafka.Cli.Doctor;

/// <summary>Reads brokers, topics, partitions and topic configs with Kafka's admin API (any Kafka, or the simulator).</summary>
internal static class ClusterReader
{
    public static async Task<ClusterView> ReadAsync(string bootstrapServers, IReadOnlyList<string> topics, TimeSpan timeout)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig
        {
            BootstrapServers = bootstrapServers,
            SocketTimeoutMs = (int)Math.Max(1000, timeout.TotalMilliseconds),
            ClientId = "rk-doctor",
        }).SetLogHandler(static (_, _) => { }).Build();
        var metadata = admin.GetMetadata(timeout);
        var wanted = topics.Count > 0
            ? topics
            : [.. metadata.Topics.Where(static t => !t.Topic.StartsWith("__", StringComparison.Ordinal)).Select(static t => t.Topic).Order(StringComparer.Ordinal)];
        var present = metadata.Topics.Where(t => wanted.Contains(t.Topic) && t.Error.Code == ErrorCode.NoError).ToDictionary(static t => t.Topic);
        var configs = present.Count == 0
            ? []
            : await admin.DescribeConfigsAsync(present.Keys.Select(static t => new ConfigResource { Type = ResourceType.Topic, Name = t }), new DescribeConfigsOptions { RequestTimeout = timeout }).ConfigureAwait(false);
        var byTopic = configs.ToDictionary(static c => c.ConfigResource.Name, static c => c.Entries);
        var views = present.Values.OrderBy(static t => t.Topic, StringComparer.Ordinal).Select(t =>
        {
            var entries = byTopic.GetValueOrDefault(t.Topic);
            return new TopicView(
                t.Topic,
                [.. t.Partitions.OrderBy(static p => p.PartitionId).Select(static p => new PartitionView(p.PartitionId, p.Leader, p.Replicas, p.InSyncReplicas))],
                entries?.GetValueOrDefault("min.insync.replicas")?.Value is { } min && int.TryParse(min, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) ? m : null,
                entries?.GetValueOrDefault("unclean.leader.election.enable")?.Value is { } unclean ? unclean == "true" : null)
            {
                MaxMessageBytes = entries?.GetValueOrDefault("max.message.bytes")?.Value is { } max && int.TryParse(max, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) ? bytes : null,
            };
        }).ToList();
        var readAt = DateTimeOffset.UtcNow;
        views = [.. views.Select(v => v with { Partitions = ReadOffsets(bootstrapServers, v, timeout) })];
        return new ClusterView([.. metadata.Brokers.Select(static b => b.BrokerId).Order()], views, [.. wanted.Where(t => !present.ContainsKey(t))]) { ReadAt = readAt };
    }

    /// <summary>
    /// Each partition's high watermark and last stable offset (ListOffsets latest, read_uncommitted and read_committed);
    /// where they differ, the timestamp of the record at the last stable offset: when the oldest open transaction
    /// began there. A partition that cannot be read keeps nulls (rk doctor says nothing about it).
    /// </summary>
    private static List<PartitionView> ReadOffsets(string bootstrapServers, TopicView topic, TimeSpan timeout)
    {
        ConsumerConfig Config(IsolationLevel isolation) => new()
        {
            BootstrapServers = bootstrapServers,
            GroupId = "rk-doctor",
            ClientId = "rk-doctor",
            EnableAutoCommit = false,
            IsolationLevel = isolation,
            SocketTimeoutMs = (int)Math.Max(1000, timeout.TotalMilliseconds),
        };
        using var committed = new ConsumerBuilder<Ignore, Ignore>(Config(IsolationLevel.ReadCommitted)).SetLogHandler(static (_, _) => { }).Build();
        using var uncommitted = new ConsumerBuilder<Ignore, Ignore>(Config(IsolationLevel.ReadUncommitted)).SetLogHandler(static (_, _) => { }).Build();
        var result = new List<PartitionView>();
        foreach (var partition in topic.Partitions)
        {
            if (partition.Leader < 0)
            {
                result.Add(partition);
                continue;
            }

            var where = new TopicPartition(topic.Name, partition.Partition);
            try
            {
                var high = uncommitted.QueryWatermarkOffsets(where, timeout).High.Value;
                var stable = committed.QueryWatermarkOffsets(where, timeout).High.Value;
                DateTimeOffset? since = null;
                if (stable < high)
                {
                    uncommitted.Assign(new TopicPartitionOffset(where, stable));
                    since = uncommitted.Consume(timeout) is { Message: { } first } ? first.Timestamp.UtcDateTime : null;
                    uncommitted.Unassign();
                }

                result.Add(partition with { HighWatermark = high, LastStableOffset = stable, UnstableSince = since });
            }
            catch (KafkaException)
            {
                result.Add(partition);
            }
        }

        return result;
    }
}
