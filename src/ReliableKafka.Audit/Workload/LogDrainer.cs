using System.Diagnostics;
using Confluent.Kafka;

namespace ReliableKafka.Audit.Workload;

/// <summary>Reads every partition of a topic from the start to its high watermark.</summary>
internal static class LogDrainer
{
    public sealed record Drained(IReadOnlyList<ConsumedRecord> Records, long Foreign);

    /// <exception cref="TimeoutException">A partition could not be read to its high watermark in time.</exception>
    public static Drained Drain(string bootstrapServers, string topic, string runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"rk-audit-drain-{runId}",
            ClientId = $"rk-audit-drain-{runId}",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 100,
        };
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler(static (_, _) => { }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single(t => t.Topic == topic).Partitions.Select(static p => p.PartitionId).Order().ToList();
        using var consumer = new ConsumerBuilder<Ignore, string>(config).SetLogHandler(static (_, _) => { }).SetErrorHandler(static (_, _) => { }).Build();

        var high = new Dictionary<int, long>();
        foreach (var partition in partitions)
        {
            high[partition] = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10)).High.Value;
        }

        var records = new List<ConsumedRecord>();
        long foreign = 0;
        var remaining = high.Where(static h => h.Value > 0).Select(static h => h.Key).ToHashSet();
        consumer.Assign(remaining.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var reached = remaining.ToDictionary(static p => p, static _ => 0L);
        var started = Stopwatch.GetTimestamp();
        while (remaining.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                var missing = string.Join(", ", remaining.Order().Select(p => $"partition {p} at {reached[p]} of {high[p]}"));
                throw new TimeoutException($"Could not read {topic} to its high watermarks within {timeout.TotalSeconds:0} s ({missing}).");
            }

            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null)
            {
                continue;
            }

            var partition = result.Partition.Value;
            if (!result.IsPartitionEOF)
            {
                if (AuditValue.TryParse(result.Message.Value, runId, out var key, out var sequence))
                {
                    records.Add(new ConsumedRecord(partition, result.Offset.Value, key, sequence));
                }
                else
                {
                    foreign++;
                }

                reached[partition] = result.Offset.Value + 1;
            }
            else
            {
                reached[partition] = Math.Max(reached[partition], result.Offset.Value);
            }

            if (reached[partition] >= high[partition])
            {
                remaining.Remove(partition);
            }
        }

        consumer.Close();
        return new Drained(records, foreign);
    }
}
