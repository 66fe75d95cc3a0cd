using Confluent.Kafka;
using ReliableKafka.Audit.Workload;

namespace ReliableKafka.Audit.Verification;

/// <summary>What <see cref="Verifier.Verify"/> finds: complete counts and complete lists.</summary>
internal sealed record VerificationResult(
    AuditCounts Counts,
    IReadOnlyList<FailureGroup> Failures,
    LatencySummary Latency,
    IReadOnlyList<LostRecord> Lost,
    IReadOnlyList<DuplicatedRecord> Duplicated,
    IReadOnlyList<ReorderedRecord> Reordered);

/// <summary>
/// Compares what was sent, what the client reported and what the log holds, as Kafka's own system tests do
/// (kafkatest's <c>validate_delivery</c>): lost = acknowledged but absent; duplicated = present more than once;
/// reordered = a key's first copies out of sequence order within its partition. A pure function.
/// </summary>
internal static class Verifier
{
    /// <summary>The error reported for a message the client never reported on.</summary>
    public const string NoReport = "NoReport";

    /// <param name="sent">Every message handed to the producer.</param>
    /// <param name="deliveries">The client's report per message (at most one per sequence; a missing one counts as failed).</param>
    /// <param name="consumed">The run's records as read from the topic, any order.</param>
    /// <param name="deadLettered">Sequences found on the dead-letter topic.</param>
    /// <param name="foreign">Records read that this run did not write.</param>
    public static VerificationResult Verify(
        IReadOnlyCollection<SentRecord> sent,
        IReadOnlyCollection<DeliveryRecord> deliveries,
        IReadOnlyCollection<ConsumedRecord> consumed,
        IReadOnlyCollection<long> deadLettered,
        long foreign = 0)
    {
        var reports = new Dictionary<long, DeliveryRecord>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            reports[delivery.Sequence] = delivery;
        }

        var sentKeys = new Dictionary<long, string>(sent.Count);
        foreach (var record in sent)
        {
            sentKeys[record.Sequence] = record.Key;
        }

        // Occurrences per sequence, in log order per partition.
        var ordered = consumed.OrderBy(static c => c.Partition).ThenBy(static c => c.Offset).ToList();
        var occurrences = new Dictionary<long, List<ConsumedRecord>>();
        foreach (var record in ordered)
        {
            if (!sentKeys.ContainsKey(record.Sequence))
            {
                foreign++;
                continue;
            }

            if (!occurrences.TryGetValue(record.Sequence, out var list))
            {
                occurrences[record.Sequence] = list = [];
            }

            list.Add(record);
        }

        var dead = deadLettered.ToHashSet();
        long acknowledged = 0, failed = 0, unacknowledgedPresent = 0, notPersistedPresent = 0, deadLetteredFailed = 0;
        var lost = new List<LostRecord>();
        var latencies = new List<double>();
        var groups = new Dictionary<(string Error, int Code, PersistenceStatus Persistence), (long Count, long Present, long Dead)>();
        foreach (var (sequence, key) in sentKeys.OrderBy(static p => p.Key))
        {
            var present = occurrences.ContainsKey(sequence);
            if (reports.TryGetValue(sequence, out var report) && report.Acknowledged)
            {
                acknowledged++;
                latencies.Add(report.Latency.TotalMilliseconds);
                if (!present)
                {
                    lost.Add(new LostRecord(sequence, key, report.Partition, report.Offset));
                }

                continue;
            }

            failed++;
            var hasReport = reports.ContainsKey(sequence);
            var persistence = hasReport ? report.Persistence : PersistenceStatus.PossiblyPersisted;
            var groupKey = hasReport ? (report.Error.ToString(), (int)report.Error, persistence) : (NoReport, (int)ErrorCode.Unknown, persistence);
            var isDead = dead.Contains(sequence);
            var group = groups.GetValueOrDefault(groupKey);
            groups[groupKey] = (group.Count + 1, group.Present + (present ? 1 : 0), group.Dead + (isDead ? 1 : 0));
            if (isDead)
            {
                deadLetteredFailed++;
            }

            if (present)
            {
                unacknowledgedPresent++;
                if (persistence == PersistenceStatus.NotPersisted)
                {
                    notPersistedPresent++;
                }
            }
        }

        var duplicated = occurrences
            .Where(static o => o.Value.Count > 1)
            .OrderBy(static o => o.Key)
            .Select(static o => new DuplicatedRecord(o.Key, o.Value[0].Key, o.Value[0].Partition, [.. o.Value.Select(static c => c.Offset)]))
            .ToList();

        var reordered = new List<ReorderedRecord>();
        var seen = new HashSet<long>();
        var highest = new Dictionary<(int Partition, string Key), ConsumedRecord>();
        foreach (var record in ordered)
        {
            if (!sentKeys.ContainsKey(record.Sequence) || !seen.Add(record.Sequence))
            {
                continue; // foreign, or a later copy of a duplicate (counted as duplicated, not reordered)
            }

            var slot = (record.Partition, record.Key);
            if (highest.TryGetValue(slot, out var top) && top.Sequence > record.Sequence)
            {
                reordered.Add(new ReorderedRecord(record.Sequence, record.Key, record.Partition, record.Offset, top.Sequence, top.Offset));
                continue;
            }

            highest[slot] = record;
        }

        var counts = new AuditCounts
        {
            Sent = sentKeys.Count,
            Acknowledged = acknowledged,
            Failed = failed,
            Lost = lost.Count,
            Duplicated = duplicated.Count,
            Reordered = reordered.Count,
            UnacknowledgedPresent = unacknowledgedPresent,
            NotPersistedButPresent = notPersistedPresent,
            DeadLettered = deadLetteredFailed,
            Foreign = foreign,
        };
        var failures = groups
            .OrderByDescending(static g => g.Value.Count)
            .ThenBy(static g => g.Key.Error, StringComparer.Ordinal)
            .Select(static g => new FailureGroup(g.Key.Error, g.Key.Code, g.Key.Persistence.ToString(), g.Value.Count, g.Value.Present, g.Value.Dead))
            .ToList();
        return new VerificationResult(counts, failures, Summarize(latencies), lost, duplicated, reordered);
    }

    /// <summary>p50, p99 and max by the nearest-rank method.</summary>
    internal static LatencySummary Summarize(List<double> latencies)
    {
        if (latencies.Count == 0)
        {
            return new LatencySummary(0, 0, 0);
        }

        latencies.Sort();
        return new LatencySummary(Rank(latencies, 0.50), Rank(latencies, 0.99), Math.Round(latencies[^1], 2));
    }

    private static double Rank(List<double> sorted, double quantile)
    {
        var index = (int)Math.Ceiling(quantile * sorted.Count) - 1;
        return Math.Round(sorted[Math.Clamp(index, 0, sorted.Count - 1)], 2);
    }
}
