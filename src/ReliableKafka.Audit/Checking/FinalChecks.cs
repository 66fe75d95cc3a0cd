using Confluent.Kafka;

namespace ReliableKafka.Audit.Checking;

/// <summary>The invariants checked once every fault is healed: what clients were told and read, against the final logs.</summary>
internal static class FinalChecks
{
    private const int MaxPerInvariant = 3;

    public static IEnumerable<CheckViolation> Run(
        Func<string, int, bool> uncleanElection,
        Func<string, int, string> explain,
        Func<string, int, long, bool> answeredWithErrorAfterAppend,
        IReadOnlyDictionary<(string Topic, int Partition), Dictionary<long, string>> logs,
        IReadOnlySet<Acks> guaranteedAcks,
        IReadOnlyList<Delivery> deliveries,
        IReadOnlyList<Consumed> reads,
        IReadOnlyList<Rewind> rewinds)
    {
        var found = new List<CheckViolation>();
        bool Unclean(string topic, int partition) => uncleanElection(topic, partition);
        Dictionary<long, string> Log(string topic, int partition) => logs.TryGetValue((topic, partition), out var log) ? log : [];

        void Add(CheckInvariant invariant, string topic, int partition, string detail)
        {
            if (found.Count(v => v.Invariant == invariant) < MaxPerInvariant)
            {
                found.Add(new CheckViolation(invariant, topic, partition, $"{detail}; {explain(topic, partition)}"));
            }
        }

        var present = logs.ToDictionary(static l => l.Key, static l => l.Value.Values.ToHashSet(StringComparer.Ordinal));
        foreach (var delivery in deliveries.Where(d => d.Persisted && guaranteedAcks.Contains(d.Acks)))
        {
            var value = CheckWorkload.Value(delivery.Producer, delivery.Partition, delivery.Sequence);
            if (delivery.Offset < 0)
            {
                // librdkafka reports a retry the broker already had (a duplicate beyond the five batches it remembers)
                // as persisted at an unknown offset: the record must then be somewhere in the partition.
                if (!(present.TryGetValue((delivery.Topic, delivery.Partition), out var values) && values.Contains(value)) && !Unclean(delivery.Topic, delivery.Partition))
                {
                    Add(CheckInvariant.AcknowledgedWritesSurvive, delivery.Topic, delivery.Partition,
                        $"{value} was acknowledged (acks={(int)delivery.Acks}) at an unknown offset, but the final log does not hold it");
                }

                continue;
            }

            if (!Log(delivery.Topic, delivery.Partition).TryGetValue(delivery.Offset, out var stored) || stored != value)
            {
                if (!Unclean(delivery.Topic, delivery.Partition))
                {
                    Add(CheckInvariant.AcknowledgedWritesSurvive, delivery.Topic, delivery.Partition,
                        $"{value} was acknowledged (acks={(int)delivery.Acks}) at offset {delivery.Offset}, but the final log holds {(stored is null ? "nothing" : stored)} there");
                }
            }
        }

        foreach (var ((topic, partition), log) in logs)
        {
            var idempotent = deliveries.Where(d => d.Idempotent && d.Topic == topic).Select(static d => d.Producer).ToHashSet();
            var last = new Dictionary<string, (long Sequence, long Offset)>();
            var seen = new Dictionary<(string Producer, long Sequence), long>();
            foreach (var (offset, value) in log.OrderBy(static e => e.Key))
            {
                if (!CheckWorkload.TryParse(value, out var producer, out var sequence) || !idempotent.Contains(producer))
                {
                    continue;
                }

                if (seen.TryGetValue((producer, sequence), out var earlier))
                {
                    // Kafka's own limit, not the simulator's: when the first copy was appended but answered with an
                    // error (NOT_ENOUGH_REPLICAS_AFTER_APPEND, a timeout), its retries can be refused before the log
                    // (Kafka checks min.insync.replicas before duplicates), and librdkafka then bumps the producer epoch
                    // and sends it again as new. The ground truth explains such a copy; any other is a violation.
                    if (!answeredWithErrorAfterAppend(topic, partition, earlier))
                    {
                        Add(CheckInvariant.IdempotentOncePerPartitionInOrder, topic, partition,
                            $"{producer}'s record {sequence} at offset {offset} repeats its record at offset {earlier} (a duplicate)");
                    }

                    continue;
                }

                if (last.TryGetValue(producer, out var previous) && sequence < previous.Sequence)
                {
                    Add(CheckInvariant.IdempotentOncePerPartitionInOrder, topic, partition,
                        $"{producer}'s record {sequence} at offset {offset} follows its record {previous.Sequence} at offset {previous.Offset} (out of order)");
                }

                seen[(producer, sequence)] = offset;
                last[producer] = (sequence, offset);
            }
        }

        foreach (var read in reads)
        {
            if ((!Log(read.Topic, read.Partition).TryGetValue(read.Offset, out var stored) || stored != read.Value) && !Unclean(read.Topic, read.Partition))
            {
                Add(CheckInvariant.ConsumersReadCommittedRecords, read.Topic, read.Partition,
                    $"{read.Consumer} read {read.Value} at offset {read.Offset}, but the final log holds {(stored is null ? "nothing" : stored)} there");
            }
        }

        foreach (var rewind in rewinds.Where(r => !Unclean(r.Topic, r.Partition)))
        {
            Add(CheckInvariant.ConsumerOffsetsMoveForward, rewind.Topic, rewind.Partition,
                $"{rewind.Consumer} read offset {rewind.Offset} after offset {rewind.Previous} in the same assignment");
        }

        return found;
    }
}
