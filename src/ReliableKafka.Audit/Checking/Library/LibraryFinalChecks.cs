using Confluent.Kafka;
using ReliableKafka.Reading;

namespace ReliableKafka.Audit.Checking.Library;

/// <summary>One outbox row at the end of a check.</summary>
internal sealed record OutboxRow(string Store, long Id, string Topic, string Key, string EventId, int State, int Attempts, int? SentPartition, long? SentOffset, string? Error)
{
    public const int Pending = 0;
    public const int Sent = 1;
    public const int Dead = 2;
    public const int Skipped = 3;
}

/// <summary>Everything the final checks read: what was written and called, the outbox tables, the topics, the spills, the effects.</summary>
internal sealed record LibraryCheckInput(
    IReadOnlyList<WrittenEvent> Written,
    IReadOnlyList<OutboxRow> Rows,
    IReadOnlyList<ProducerCall> Calls,
    IReadOnlyDictionary<string, List<TopicRecord<string, Ignore>>> Topics,
    IReadOnlySet<string> Spilled,
    IReadOnlyList<(string EventId, string Topic, int Partition, long Offset)> Effects,
    Func<string, int, long, bool> RejectedAppendAt,
    Func<string, int, long, (long ProducerId, short ProducerEpoch, int BaseSequence)?> BatchAt,
    int Outboxes);

/// <summary>What a library check saw.</summary>
/// <param name="Outboxes">Outboxes written (1: SQLite; 2: SQLite and PostgreSQL).</param>
/// <param name="Written">Outbox events committed.</param>
/// <param name="RolledBack">Outbox writes rolled back on purpose.</param>
/// <param name="Sent">Outbox events published.</param>
/// <param name="Dead">Outbox events dead (poison), skipped by the operator or not.</param>
/// <param name="Waiting">Outbox events held behind a dead event of their key.</param>
/// <param name="Republished">Duplicates explained by the outbox publishing again after an unknown outcome (a killed relay, a lost acknowledgement).</param>
/// <param name="RejectedAppends">Duplicates explained by an append the broker rejected after writing it, which the client re-sent.</param>
/// <param name="EpochBumps">Duplicates explained by the idempotent producer bumping its epoch (after messages timed out) and re-sending as new a batch the broker already had: the copies carry one producer id and different epochs.</param>
/// <param name="Calls">ReliableProducer calls.</param>
/// <param name="Delivered">Calls delivered.</param>
/// <param name="Failed">Calls failed (their dispositions are checked).</param>
/// <param name="Effects">Effects the idempotent consumer wrote.</param>
/// <param name="Poisoned">Poison records (tombstones) the idempotent consumer dead-lettered.</param>
public sealed record LibraryCounts(int Outboxes, int Written, int RolledBack, int Sent, int Dead, int Waiting, int Republished, int RejectedAppends, int EpochBumps, int Calls, int Delivered, int Failed, int Effects, int Poisoned)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"outboxes {Outboxes}: written {Written} (rolled back {RolledBack}), sent {Sent}, dead {Dead}, waiting {Waiting}; duplicates: republished {Republished}, rejected appends {RejectedAppends}, epoch bumps {EpochBumps}; calls {Calls}: delivered {Delivered}, failed {Failed}; effects {Effects}, poison dead-lettered {Poisoned}";
}

/// <summary>The library checker's verdict on one run: each <see cref="LibraryPromise"/> checked per event id.</summary>
internal static class LibraryFinalChecks
{
    public static (List<LibraryViolation> Violations, LibraryCounts Counts) Run(LibraryCheckInput input)
    {
        var violations = new List<LibraryViolation>();
        void Violate(LibraryPromise promise, string detail) => violations.Add(new LibraryViolation(promise, detail));

        // Where each event id is on each topic, in offset order.
        var copies = new Dictionary<string, List<TopicRecord<string, Ignore>>>(StringComparer.Ordinal);
        foreach (var (topic, records) in input.Topics)
        {
            if (topic is LibraryTopology.DeadLetterTopic or LibraryTopology.ConsumerDeadLetterTopic)
            {
                continue;
            }

            foreach (var record in records.OrderBy(static r => r.Partition).ThenBy(static r => r.Offset))
            {
                var id = LibraryRunner.EventId(record.Headers);
                if (!copies.TryGetValue(id, out var list))
                {
                    copies[id] = list = [];
                }

                list.Add(record);
            }
        }

        var deadLettered = input.Topics.TryGetValue(LibraryTopology.DeadLetterTopic, out var letters)
            ? letters.Select(static r => LibraryRunner.EventId(r.Headers)).ToHashSet(StringComparer.Ordinal)
            : [];
        var rows = input.Rows.ToDictionary(static r => r.EventId, StringComparer.Ordinal);
        int republished = 0, rejectedAppends = 0, epochBumps = 0;

        // A duplicate nobody re-published is explained only by the ground truth: a rejected append the client re-sent,
        // or one producer id writing the copies under different epochs (an epoch bump re-sent a batch the broker had).
        string? Explain(List<TopicRecord<string, Ignore>> onTopic)
        {
            if (onTopic.Take(onTopic.Count - 1).All(r => input.RejectedAppendAt(r.Topic, r.Partition, r.Offset)))
            {
                rejectedAppends += onTopic.Count - 1;
                return null;
            }

            var batches = onTopic.Select(r => input.BatchAt(r.Topic, r.Partition, r.Offset)).ToList();
            if (batches.All(static b => b is { ProducerId: >= 0 }) && batches.Select(static b => b!.Value.ProducerId).Distinct().Count() == 1
                && batches.Select(static b => b!.Value.ProducerEpoch).Distinct().Count() == batches.Count)
            {
                epochBumps += onTopic.Count - 1;
                return null;
            }

            return string.Join(", ", onTopic.Zip(batches, static (r, b) => $"[{r.Partition}]@{r.Offset} {(b is { } batch ? $"producer {batch.ProducerId} epoch {batch.ProducerEpoch} sequence {batch.BaseSequence}" : "no batch")}"));
        }

        // The outbox: every write accounted for.
        foreach (var written in input.Written)
        {
            var hasRow = rows.ContainsKey(written.EventId);
            if (written.Committed && !hasRow)
            {
                Violate(LibraryPromise.NothingVanishes, $"{written.Store} event {written.EventId} ({written.Topic}, key {written.Key}) was committed but has no outbox row");
            }
            else if (!written.Committed && (hasRow || copies.ContainsKey(written.EventId)))
            {
                Violate(LibraryPromise.RolledBackNeverPublished, $"{written.Store} event {written.EventId} was rolled back but {(hasRow ? "has an outbox row" : "is on a topic")}");
            }
        }

        foreach (var row in input.Rows)
        {
            var onTopic = copies.GetValueOrDefault(row.EventId) ?? [];
            switch (row.State)
            {
                case OutboxRow.Sent:
                    if (!onTopic.Any(r => r.Topic == row.Topic && r.Partition == row.SentPartition && r.Offset == row.SentOffset))
                    {
                        Violate(LibraryPromise.SentIsOnTheTopic, $"{row.Store} event {row.EventId} is marked sent at {row.Topic}[{row.SentPartition}]@{row.SentOffset} but that record is {Describe(input.Topics, row.Topic, row.SentPartition, row.SentOffset)}");
                    }

                    break;
                case OutboxRow.Dead or OutboxRow.Skipped:
                    if (string.IsNullOrEmpty(row.Error) || !(deadLettered.Contains(row.EventId) || input.Spilled.Contains(row.EventId)))
                    {
                        Violate(LibraryPromise.NothingVanishes, $"{row.Store} event {row.EventId} is dead ({row.Error ?? "no reason"}) but {(string.IsNullOrEmpty(row.Error) ? "has no reason" : "is neither in the dead-letter topic nor in a spill")}");
                    }

                    // An earlier attempt whose outcome was lost (a killed relay, a dropped answer) may have written it before a
                    // later attempt failed for good: that is at-least-once, not a contradiction. With one attempt it is.
                    if (onTopic.Count > 0 && row.Attempts < 2)
                    {
                        Violate(LibraryPromise.SentIsOnTheTopic, $"{row.Store} event {row.EventId} is dead ({row.Error}) after one attempt, yet on {row.Topic} at [{onTopic[0].Partition}]@{onTopic[0].Offset}");
                    }

                    break;
                case OutboxRow.Pending when !input.Rows.Any(d => d.Store == row.Store && d.State == OutboxRow.Dead && d.Topic == row.Topic && d.Key == row.Key && d.Id < row.Id):
                    Violate(LibraryPromise.NothingVanishes, $"{row.Store} event {row.EventId} ({row.Topic}, key {row.Key}) is still pending after everything healed, behind no dead event ({row.Attempts} attempts, last error {row.Error ?? "none"})");
                    break;
            }

            if (onTopic.Count > 1)
            {
                // A second copy is explained when the outbox published it again, or when the broker rejected an append it had written.
                if (row.Attempts >= 2)
                {
                    republished += onTopic.Count - 1;
                }
                else if (Explain(onTopic) is { } copiesSeen)
                {
                    Violate(LibraryPromise.DuplicatesExplained, $"{row.Store} event {row.EventId} is on {row.Topic} {onTopic.Count} times after one publish: {copiesSeen}");
                }
            }
        }

        // Per key: the order of the topic is the order of the outbox, and nothing passes a dead event.
        foreach (var key in input.Rows.GroupBy(static r => (r.Store, r.Topic, r.Key)))
        {
            var ordered = key.OrderBy(static r => r.Id).ToList();
            var idOf = ordered.ToDictionary(static r => r.EventId, static r => r.Id, StringComparer.Ordinal);
            var records = ordered.SelectMany(r => copies.GetValueOrDefault(r.EventId) ?? []).Where(r => r.Topic == key.Key.Topic).OrderBy(static r => r.Partition).ThenBy(static r => r.Offset).ToList();
            long highest = -1;
            string? highestEvent = null;
            foreach (var record in records)
            {
                var id = idOf[LibraryRunner.EventId(record.Headers)];
                if (id < highest)
                {
                    Violate(LibraryPromise.KeyOrder, $"{key.Key.Store} key {key.Key.Key} on {key.Key.Topic}: {LibraryRunner.EventId(record.Headers)} (outbox id {id}) at [{record.Partition}]@{record.Offset} comes after {highestEvent} (outbox id {highest})");
                }
                else
                {
                    (highest, highestEvent) = (id, LibraryRunner.EventId(record.Headers));
                }
            }

            if (records.Select(static r => r.Partition).Distinct().Count() > 1)
            {
                Violate(LibraryPromise.KeyOrder, $"{key.Key.Store} key {key.Key.Key} on {key.Key.Topic} is on several partitions");
            }

            foreach (var dead in ordered.Where(static r => r.State == OutboxRow.Dead))
            {
                foreach (var later in ordered.Where(r => r.Id > dead.Id && (r.State == OutboxRow.Sent || copies.ContainsKey(r.EventId))))
                {
                    Violate(LibraryPromise.DeadEventBlocksItsKey, $"{key.Key.Store} event {later.EventId} of key {key.Key.Key} was published after the dead event {dead.EventId} ({dead.Error})");
                }
            }
        }

        // The producer's calls: one outcome each, and it agrees with the log.
        int delivered = 0, failed = 0;
        foreach (var call in input.Calls)
        {
            var onTopic = (copies.GetValueOrDefault(call.EventId) ?? []).Where(static r => r.Topic == LibraryTopology.DirectTopic).ToList();
            if (call.Thrown is { } thrown)
            {
                Violate(LibraryPromise.OneOutcomePerCall, $"call {call.EventId} threw {thrown.GetType().Name}: {thrown.Message}");
                continue;
            }

            if (call.Outcomes != 1 || call.Outcome is not { } outcome)
            {
                Violate(LibraryPromise.OneOutcomePerCall, $"call {call.EventId} ({(call.Awaited ? "PublishAsync" : "Publish with a callback")}) got {call.Outcomes} outcomes");
                continue;
            }

            if (outcome.IsDelivered)
            {
                delivered++;
                if (!onTopic.Any(r => r.Partition == outcome.Partition && r.Offset == outcome.Offset))
                {
                    Violate(LibraryPromise.OutcomeAgreesWithTheLog, $"call {call.EventId} was Delivered at {outcome.Topic}[{outcome.Partition}]@{outcome.Offset} but that record is {Describe(input.Topics, LibraryTopology.DirectTopic, outcome.Partition, outcome.Offset)}");
                }
            }
            else
            {
                failed++;
                if (outcome.Persistence == PersistenceStatus.NotPersisted && onTopic.Count > 0)
                {
                    Violate(LibraryPromise.OutcomeAgreesWithTheLog, $"call {call.EventId} Failed with NotPersisted ({outcome.Error}) but is on the topic at [{onTopic[0].Partition}]@{onTopic[0].Offset}");
                }

                if (outcome.Disposition is FailureDisposition.DeadLettered or FailureDisposition.SpilledLocally && !(deadLettered.Contains(call.EventId) || input.Spilled.Contains(call.EventId)))
                {
                    Violate(LibraryPromise.OutcomeAgreesWithTheLog, $"call {call.EventId} failed as {outcome.Disposition} ({outcome.Error}) but is neither in the dead-letter topic nor in a spill");
                }
            }

            if (onTopic.Count > 1 && Explain(onTopic) is { } copiesSeen)
            {
                Violate(LibraryPromise.DuplicatesExplained, $"call {call.EventId} is on {LibraryTopology.DirectTopic} {onTopic.Count} times: {copiesSeen}");
            }
        }

        // The idempotent consumer: each event on the topics once, and nothing else.
        var effects = input.Effects.GroupBy(static e => e.EventId, StringComparer.Ordinal).ToDictionary(static g => g.Key, static g => g.Count(), StringComparer.Ordinal);
        foreach (var (id, count) in effects)
        {
            if (count > 1)
            {
                Violate(LibraryPromise.EffectOnce, $"event {id} took effect {count} times");
            }

            if (!copies.ContainsKey(id))
            {
                Violate(LibraryPromise.EffectOnce, $"event {id} took effect but is on no topic");
            }
        }

        var poisoned = input.Topics.TryGetValue(LibraryTopology.ConsumerDeadLetterTopic, out var poison)
            ? poison.Select(static r => LibraryRunner.EventId(r.Headers)).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var id in copies.Keys.Where(id => !effects.ContainsKey(id)))
        {
            if (!id.StartsWith(LibraryTopology.TombstonePrefix, StringComparison.Ordinal))
            {
                Violate(LibraryPromise.EffectOnce, $"event {id} is on a topic but never took effect");
            }
            else if (!poisoned.Contains(id))
            {
                Violate(LibraryPromise.EffectOnce, $"poison record {id} is on a topic but the consumer neither applied nor dead-lettered it");
            }
        }

        foreach (var id in effects.Keys.Where(static id => id.StartsWith(LibraryTopology.TombstonePrefix, StringComparison.Ordinal)))
        {
            Violate(LibraryPromise.EffectOnce, $"poison record {id} took effect although its handler always fails");
        }

        var counts = new LibraryCounts(
            input.Outboxes,
            input.Written.Count(static w => w.Committed),
            input.Written.Count(static w => !w.Committed),
            input.Rows.Count(static r => r.State == OutboxRow.Sent),
            input.Rows.Count(static r => r.State is OutboxRow.Dead or OutboxRow.Skipped),
            input.Rows.Count(static r => r.State == OutboxRow.Pending),
            republished,
            rejectedAppends,
            epochBumps,
            input.Calls.Count,
            delivered,
            failed,
            input.Effects.Count,
            poisoned.Count);
        return (violations, counts);
    }

    private static string Describe(IReadOnlyDictionary<string, List<TopicRecord<string, Ignore>>> topics, string topic, int? partition, long? offset)
    {
        var record = topics.GetValueOrDefault(topic)?.FirstOrDefault(r => r.Partition == partition && r.Offset == offset);
        return record is null ? "not in the log" : $"event {LibraryRunner.EventId(record.Headers)}";
    }
}
