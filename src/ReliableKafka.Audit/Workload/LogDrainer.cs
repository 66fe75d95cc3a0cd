using Confluent.Kafka;
using ReliableKafka.Reading;

namespace ReliableKafka.Audit.Workload;

/// <summary>Reads every partition of a topic from the start to its high watermark.</summary>
internal static class LogDrainer
{
    public sealed record Drained(IReadOnlyList<ConsumedRecord> Records, long Foreign);

    /// <exception cref="TimeoutException">A partition could not be read to its high watermark in time.</exception>
    public static Drained Drain(string bootstrapServers, string topic, string runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Read uncommitted: the end is the high watermark as read at the start, even while a new leader's lags.
        var reader = new TopicReader(bootstrapServers, [new("client.id", $"rk-audit-drain-{runId}"), new("fetch.wait.max.ms", "100")])
        {
            Timeout = timeout,
            Isolation = IsolationLevel.ReadUncommitted,
        };
        var records = new List<ConsumedRecord>();
        long foreign = 0;
        foreach (var result in reader.Read<Ignore, string>(topic, cancellationToken: cancellationToken))
        {
            if (AuditValue.TryParse(result.Value, runId, out var key, out var sequence))
            {
                records.Add(new ConsumedRecord(result.Partition, result.Offset, key, sequence));
            }
            else
            {
                foreign++;
            }
        }

        return new Drained(records, foreign);
    }
}
