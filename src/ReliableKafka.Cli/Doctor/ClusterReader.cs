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
        return new ClusterView([.. metadata.Brokers.Select(static b => b.BrokerId).Order()], views, [.. wanted.Where(t => !present.ContainsKey(t))]);
    }
}
