using System.Globalization;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Audit.Verification;

/// <summary>
/// Explains lost, duplicated and reordered records from the simulator's ground truth: a lost offset by the truncation
/// that removed it and the election that caused it; a duplicate by its two appends and what happened between them
/// (a dropped response, a crash, a leader change).
/// </summary>
internal static class Explainer
{
    private const int MaxExplanations = 100;

    public static IReadOnlyList<Explanation> Explain(VerificationResult result, IReadOnlyList<TruthEvent> events, string topic)
    {
        var explanations = new List<Explanation>();
        explanations.AddRange(ExplainLost(result.Lost, events, topic));
        explanations.AddRange(ExplainDuplicated(result.Duplicated, events, topic));
        explanations.AddRange(ExplainReordered(result.Reordered, events, topic));
        return explanations.Count > MaxExplanations ? explanations[..MaxExplanations] : explanations;
    }

    private static IEnumerable<Explanation> ExplainLost(IReadOnlyList<LostRecord> lost, IReadOnlyList<TruthEvent> events, string topic)
    {
        foreach (var partition in lost.GroupBy(static l => l.Partition).OrderBy(static g => g.Key))
        {
            var partitionEvents = events.Where(e => e.Topic == topic && e.Partition == partition.Key).ToList();
            var truncations = partitionEvents.Where(static e => e.Kind == TruthEventKind.Truncated).ToList();

            // Records with an offset: by the truncation that removed them (the first one covering the offset).
            var byTruncation = partition.Where(static l => l.Offset >= 0)
                .GroupBy(l => truncations.FirstOrDefault(t => t.FirstOffset <= l.Offset && l.Offset <= t.LastOffset))
                .ToList();
            foreach (var group in byTruncation.Where(static g => g.Key is not null).OrderBy(static g => g.Key!.Sequence))
            {
                var truncation = group.Key!;
                var election = partitionEvents.LastOrDefault(e => e.Kind == TruthEventKind.Elected && e.Sequence < truncation.Sequence);
                var same = truncations.Where(t => t.LeaderEpoch == truncation.LeaderEpoch && t.FirstOffset <= group.Min(static l => l.Offset) && t.LastOffset >= group.Max(static l => l.Offset)).ToList();
                var first = group.Min(static l => l.Offset);
                var last = group.Max(static l => l.Offset);
                var how = election is null
                    ? $"in epoch {truncation.LeaderEpoch}"
                    : $"when broker {election.Broker} became leader in epoch {election.LeaderEpoch} ({Election(election)})";
                var who = string.Join("; ", same.Select(Truncation));
                yield return new Explanation("lost", partition.Key, first, last, group.Count(),
                    $"{Range(first, last)} truncated {how}: {who}",
                    [.. (election is null ? same : same.Prepend(election)).Select(static e => e.Sequence)]);
            }

            var uncovered = byTruncation.Where(static g => g.Key is null).SelectMany(static g => g).ToList();
            if (uncovered.Count > 0)
            {
                var first = uncovered.Min(static l => l.Offset);
                var last = uncovered.Max(static l => l.Offset);
                yield return new Explanation("lost", partition.Key, first, last, uncovered.Count,
                    $"{Range(first, last)} acknowledged but absent, and no truncation in the ground truth covers them", []);
            }

            // acks=0 gives no offset to look up: show what the partition went through.
            var withoutOffset = partition.Where(static l => l.Offset < 0).ToList();
            if (withoutOffset.Count > 0)
            {
                var crashes = events.Where(static e => e.Kind == TruthEventKind.BrokerStateChanged).ToList();
                var causes = truncations.Concat(partitionEvents.Where(static e => e.Kind == TruthEventKind.Elected && e.Election != ElectionKind.Initial)).Concat(crashes).OrderBy(static e => e.Sequence).ToList();
                var text = causes.Count == 0
                    ? $"{withoutOffset.Count} records acknowledged without an offset (acks=0 returns none) are missing; the ground truth records no fault on this partition (a refused append is not an event)"
                    : $"{withoutOffset.Count} records acknowledged without an offset (acks=0 returns none) are missing; the partition went through: {string.Join("; ", Summarize(causes))}";
                yield return new Explanation("lost", partition.Key, -1, -1, withoutOffset.Count, text, [.. causes.Select(static e => e.Sequence)]);
            }
        }
    }

    private static IEnumerable<Explanation> ExplainDuplicated(IReadOnlyList<DuplicatedRecord> duplicated, IReadOnlyList<TruthEvent> events, string topic)
    {
        var groups = duplicated
            .Select(d =>
            {
                var partitionEvents = events.Where(e => e.Topic == topic && e.Partition == d.Partition).ToList();
                var original = AppendOf(partitionEvents, d.Offsets[0]);
                var retry = AppendOf(partitionEvents, d.Offsets[^1]);
                return (Record: d, Original: original, Retry: retry);
            })
            .GroupBy(static x => (x.Record.Partition, Original: x.Original?.Sequence ?? -1, Retry: x.Retry?.Sequence ?? -1));
        foreach (var group in groups.OrderBy(static g => g.Key.Partition).ThenBy(static g => g.Key.Original))
        {
            var sample = group.First();
            var first = group.Min(static x => x.Record.Offsets[0]);
            var last = group.Max(static x => x.Record.Offsets[0]);
            var retryFirst = group.Min(static x => x.Record.Offsets[^1]);
            var retryLast = group.Max(static x => x.Record.Offsets[^1]);
            if (sample.Original is not { } original || sample.Retry is not { } retry)
            {
                yield return new Explanation("duplicated", group.Key.Partition, first, last, group.Count(),
                    $"{Range(first, last)} present again at {Range(retryFirst, retryLast)}; the ground truth has no append for one of the copies", []);
                continue;
            }

            var between = events.Where(e => e.Sequence > original.Sequence && e.Sequence < retry.Sequence
                && (e.Kind == TruthEventKind.ResponseDropped && e.Broker == original.Broker
                    || e.Kind == TruthEventKind.BrokerStateChanged
                    || e.Kind == TruthEventKind.Elected && e.Topic == topic && e.Partition == group.Key.Partition)).ToList();
            var cause = between.Count == 0
                ? "the client sent the batch again after its request timed out or its connection broke"
                : $"then {string.Join("; ", Summarize(between))}, and the client sent the batch again";
            yield return new Explanation("duplicated", group.Key.Partition, first, last, group.Count(),
                $"{Range(first, last)} appended by broker {original.Broker} in epoch {original.LeaderEpoch}; {cause}; the retry was appended again at {Range(retryFirst, retryLast)} {WhyNotRecognised(original, retry)}",
                [original.Sequence, .. between.Select(static e => e.Sequence), retry.Sequence]);
        }
    }

    /// <summary>Why the broker appended the retry instead of recognising it, from the producer ids of the two appends.</summary>
    private static string WhyNotRecognised(TruthEvent original, TruthEvent retry) =>
        original.ProducerId < 0
            ? "(no idempotence, so the broker could not recognise it)"
            : retry.ProducerId != original.ProducerId
                ? string.Create(CultureInfo.InvariantCulture, $"(idempotent, but the retry came from producer id {retry.ProducerId}, the original from {original.ProducerId}, so the broker could not recognise it)")
                : string.Create(CultureInfo.InvariantCulture, $"(idempotent producer id {original.ProducerId}, yet the broker did not recognise the retry: it did not match the original's producer epoch and sequence numbers)");

    private static IEnumerable<Explanation> ExplainReordered(IReadOnlyList<ReorderedRecord> reordered, IReadOnlyList<TruthEvent> events, string topic)
    {
        foreach (var group in reordered.GroupBy(static r => r.Partition).OrderBy(static g => g.Key))
        {
            var partitionEvents = events.Where(e => e.Topic == topic && e.Partition == group.Key).ToList();
            var appends = group.Select(r => AppendOf(partitionEvents, r.Offset)).Where(static a => a is not null).Select(static a => a!).DistinctBy(static a => a.Sequence).ToList();
            var first = group.Min(static r => r.Offset);
            var last = group.Max(static r => r.Offset);
            var sample = group.First();
            yield return new Explanation("reordered", group.Key, first, last, group.Count(),
                $"{Range(first, last)} hold records appended after later records of the same key (for example sequence {sample.Sequence} at {sample.Offset} after sequence {sample.AfterSequence} at {sample.AfterOffset}): an earlier batch failed or timed out and its retry landed behind batches sent after it ({appends.Count} late batches)",
                [.. appends.Select(static a => a.Sequence)]);
        }
    }

    /// <summary>The append that wrote the record now at <paramref name="offset"/>: the last one covering it.</summary>
    private static TruthEvent? AppendOf(List<TruthEvent> partitionEvents, long offset) =>
        partitionEvents.LastOrDefault(e => e.Kind == TruthEventKind.Appended && e.FirstOffset <= offset && offset <= e.LastOffset);

    /// <summary>Event descriptions in order, repeats counted ("broker 1 dropped a Produce response after the append (2 times)").</summary>
    private static IEnumerable<string> Summarize(IEnumerable<TruthEvent> events) =>
        events.Select(Describe).GroupBy(static d => d).Take(4).Select(static g => g.Count() == 1 ? g.Key : $"{g.Key} ({g.Count()} times)");

    private static string Range(long first, long last) =>
        first == last ? string.Create(CultureInfo.InvariantCulture, $"offset {first}") : string.Create(CultureInfo.InvariantCulture, $"offsets {first}-{last}");

    private static string Describe(TruthEvent e) => e.Kind switch
    {
        TruthEventKind.ResponseDropped => $"broker {e.Broker} dropped a Produce response after the append",
        TruthEventKind.BrokerStateChanged => $"broker {e.Broker} {State(e.BrokerState)}",
        TruthEventKind.Elected when e.Broker < 0 => $"partition {e.Partition} went offline in epoch {e.LeaderEpoch}",
        TruthEventKind.Elected => $"broker {e.Broker} became leader of partition {e.Partition} in epoch {e.LeaderEpoch} ({Election(e)})",
        TruthEventKind.Truncated => Truncation(e),
        _ => $"{e.Kind} {e.Detail}",
    };

    private static string Truncation(TruthEvent e) =>
        $"broker {e.Broker} truncated {Range(e.FirstOffset, e.LastOffset)}{(e.Leader is { } leader ? $" to follow broker {leader}" : "")} in epoch {e.LeaderEpoch}";

    private static string Election(TruthEvent e)
    {
        var how = e.Election switch
        {
            ElectionKind.Initial => "initial leader",
            ElectionKind.Restored => "restored from the data directory",
            ElectionKind.Unclean => "unclean election",
            ElectionKind.Controlled => $"controlled shutdown of broker {e.PreviousLeader}",
            ElectionKind.Moved => "leader moved",
            ElectionKind.Offline => "offline",
            _ => "clean election",
        };
        return e.Isr is { } isr ? $"{how}; ISR {{{string.Join(",", isr)}}}" : how;
    }

    private static string State(BrokerStateChange? change) => change switch
    {
        BrokerStateChange.Crashed => "crashed",
        BrokerStateChange.ShutDown => "shut down cleanly",
        BrokerStateChange.Restarted => "restarted",
        BrokerStateChange.Paused => "paused",
        BrokerStateChange.Resumed => "resumed",
        BrokerStateChange.Fenced => "was fenced (paused longer than broker.session.timeout.ms)",
        BrokerStateChange.Unfenced => "was unfenced",
        _ => "changed state",
    };
}
