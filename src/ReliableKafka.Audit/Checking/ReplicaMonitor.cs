using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Audit.Checking;

/// <summary>
/// Watches the simulator's replicas while a schedule runs: each <see cref="Observe"/> inspects every checked partition
/// (one consistent picture per partition) and checks the replication invariants against what it saw before and
/// against the ground truth.
/// </summary>
internal sealed class ReplicaMonitor(SimulatedCluster cluster, IReadOnlyList<(string Topic, int Partition)> partitions)
{
    private readonly Dictionary<(string, int), PartitionHistory> _history = partitions.ToDictionary(static p => p, static _ => new PartitionHistory());
    private readonly List<CheckViolation> _violations = [];
    private readonly Lock _gate = new();
    private long _truthSeen;

    public IReadOnlyList<CheckViolation> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>Inspects every partition once and checks the invariants.</summary>
    public void Observe()
    {
        lock (_gate)
        {
            foreach (var (topic, index) in partitions)
            {
                if (cluster.Inspect(topic, index) is { } inspection)
                {
                    ReadTruth(inspection.TruthSequence);
                    Check(_history[(topic, index)], inspection);
                }
            }
        }
    }

    /// <summary>True when an unclean election of the partition was recorded after <paramref name="sequence"/>.</summary>
    public bool UncleanAfter(string topic, int partition, long sequence)
    {
        lock (_gate)
        {
            ReadTruth(cluster.Truth.LastSequence);
            return _history[(topic, partition)].UncleanElections.Any(s => s > sequence);
        }
    }

    /// <summary>The partition's elections, truncations and ISR changes, in words, to explain a violation.</summary>
    public string Explain(string topic, int partition)
    {
        var events = cluster.Truth.For(topic, partition)
            .Where(static e => e.Kind is TruthEventKind.Elected or TruthEventKind.Truncated or TruthEventKind.IsrChanged)
            .TakeLast(12)
            .Select(static e => $"#{e.Sequence} {e.Detail}");
        return "ground truth: " + string.Join(" | ", events);
    }

    private void ReadTruth(long upTo)
    {
        foreach (var e in cluster.Truth.EventsAfter(_truthSeen))
        {
            if (e.Sequence > upTo)
            {
                break;
            }

            _truthSeen = e.Sequence;
            if (e.Kind != TruthEventKind.Elected || e.Topic is null || !_history.TryGetValue((e.Topic, e.Partition), out var history))
            {
                continue;
            }

            if (e.LeaderEpoch <= history.LastRecordedEpoch && e.Election != ElectionKind.Restored)
            {
                Add(CheckInvariant.ElectionsRecorded, e.Topic, e.Partition, $"election #{e.Sequence} recorded epoch {e.LeaderEpoch} after epoch {history.LastRecordedEpoch}");
            }

            history.LastRecordedEpoch = Math.Max(history.LastRecordedEpoch, e.LeaderEpoch);
            history.RecordedEpochs.Add(e.LeaderEpoch);
            if (e.Election == ElectionKind.Unclean)
            {
                history.UncleanElections.Add(e.Sequence);
            }
        }
    }

    private void Check(PartitionHistory history, PartitionInspection now)
    {
        var (topic, index) = (now.Topic, now.Partition);
        var uncleanSinceLast = history.UncleanElections.Any(s => s > history.LastSequence);

        if (now.LeaderEpoch < history.LastEpoch)
        {
            Add(CheckInvariant.ElectionsRecorded, topic, index, $"leader epoch went from {history.LastEpoch} back to {now.LeaderEpoch}");
        }

        if (!history.RecordedEpochs.Contains(now.LeaderEpoch))
        {
            Add(CheckInvariant.ElectionsRecorded, topic, index, $"the partition shows leader epoch {now.LeaderEpoch} (leader {now.Leader}) but no election recorded it");
        }

        if (now.HighWatermark < history.LastHighWatermark && !uncleanSinceLast)
        {
            Add(CheckInvariant.HighWatermarkMonotonic, topic, index, $"the high watermark went from {history.LastHighWatermark} back to {now.HighWatermark} with no unclean election");
        }

        if (now.Leader >= 0)
        {
            var leader = now.Replicas.Single(r => r.Broker == now.Leader);
            var committed = leader.Batches.Where(b => b.BaseOffset < now.HighWatermark).ToList();
            foreach (var member in now.Isr.Where(id => id != now.Leader))
            {
                var replica = now.Replicas.Single(r => r.Broker == member);
                var held = replica.Batches.Where(b => b.BaseOffset < now.HighWatermark).ToList();
                if (!held.SequenceEqual(committed))
                {
                    var at = FirstDifference(held, committed);
                    Add(CheckInvariant.IsrReplicasAgree, topic, index,
                        $"in-sync replica {member} differs from leader {now.Leader} below the high watermark {now.HighWatermark} at offset {at} (epoch {now.LeaderEpoch})");
                }
            }

            if (history.UncleanElections.Any(s => s > history.CommittedSince))
            {
                // An unclean election may remove committed batches: what is committed now starts over.
                history.Committed.Clear();
                history.CommittedSince = now.TruthSequence;
            }

            var byOffset = leader.Batches.ToDictionary(static b => b.BaseOffset);
            foreach (var (offset, batch) in history.Committed)
            {
                if (!byOffset.TryGetValue(offset, out var current) || current != batch)
                {
                    Add(CheckInvariant.CommittedBatchesStay, topic, index,
                        $"the batch committed at offset {offset} (epoch {batch.LeaderEpoch}) is {(current is null ? "gone from" : $"replaced (epoch {current.LeaderEpoch}) in")} leader {now.Leader}'s log with no unclean election");
                    history.Committed.Remove(offset);
                    break;
                }
            }

            foreach (var batch in committed)
            {
                history.Committed[batch.BaseOffset] = batch;
            }

            if (now.LastStableOffset >= 0 && ExpectedLastStableOffset(leader.Batches, now.HighWatermark) is var expected && now.LastStableOffset != expected)
            {
                Add(CheckInvariant.LastStableOffsetConsistent, topic, index,
                    $"the last stable offset is {now.LastStableOffset}, but leader {now.Leader}'s log puts it at {expected} (high watermark {now.HighWatermark}{OpenTransactions(leader.Batches)})");
            }
        }

        history.LastEpoch = Math.Max(history.LastEpoch, now.LeaderEpoch);
        history.LastHighWatermark = uncleanSinceLast ? now.HighWatermark : Math.Max(history.LastHighWatermark, now.HighWatermark);
        history.LastSequence = now.TruthSequence;
    }

    /// <summary>
    /// The last stable offset recomputed from a leader's batches alone: the first offset of the oldest transaction with
    /// records and no marker yet, or whose marker the high watermark has not passed, and at most the high watermark.
    /// </summary>
    internal static long ExpectedLastStableOffset(IReadOnlyList<ReplicaBatch> batches, long highWatermark)
    {
        var open = new Dictionary<long, long>();
        var stable = highWatermark;
        foreach (var batch in batches)
        {
            switch (batch.Kind)
            {
                case BatchKind.TransactionalRecords:
                    open.TryAdd(batch.ProducerId, batch.BaseOffset);
                    break;
                case BatchKind.CommitMarker or BatchKind.AbortMarker:
                    var first = open.Remove(batch.ProducerId, out var opened) ? opened : batch.BaseOffset;
                    if (batch.LastOffset >= highWatermark)
                    {
                        stable = Math.Min(stable, first);
                    }

                    break;
            }
        }

        return open.Values.Aggregate(stable, Math.Min);
    }

    /// <summary>", open transactions: producer P from offset O, ..." for a violation's detail; empty when none.</summary>
    private static string OpenTransactions(IReadOnlyList<ReplicaBatch> batches)
    {
        var open = new Dictionary<long, long>();
        foreach (var batch in batches)
        {
            if (batch.Kind == BatchKind.TransactionalRecords)
            {
                open.TryAdd(batch.ProducerId, batch.BaseOffset);
            }
            else if (batch.Kind is BatchKind.CommitMarker or BatchKind.AbortMarker)
            {
                open.Remove(batch.ProducerId);
            }
        }

        return open.Count == 0 ? "" : ", open transactions: " + string.Join(", ", open.Select(static o => $"producer {o.Key} from offset {o.Value}"));
    }

    private static long FirstDifference(IReadOnlyList<ReplicaBatch> held, IReadOnlyList<ReplicaBatch> committed)
    {
        for (var i = 0; i < Math.Min(held.Count, committed.Count); i++)
        {
            if (held[i] != committed[i])
            {
                return Math.Min(held[i].BaseOffset, committed[i].BaseOffset);
            }
        }

        return held.Count < committed.Count ? committed[held.Count].BaseOffset : held.Count > committed.Count ? held[committed.Count].BaseOffset : -1;
    }

    private void Add(CheckInvariant invariant, string topic, int partition, string detail)
    {
        if (_violations.Count < 50 && !_violations.Any(v => v.Invariant == invariant && v.Topic == topic && v.Partition == partition))
        {
            _violations.Add(new CheckViolation(invariant, topic, partition, $"{detail}; {Explain(topic, partition)}"));
        }
    }

    private sealed class PartitionHistory
    {
        public int LastEpoch { get; set; } = -1;

        public int LastRecordedEpoch { get; set; } = -1;

        public HashSet<int> RecordedEpochs { get; } = [];

        public List<long> UncleanElections { get; } = [];

        public long LastHighWatermark { get; set; }

        public long LastSequence { get; set; }

        public long CommittedSince { get; set; }

        public SortedDictionary<long, ReplicaBatch> Committed { get; } = [];
    }
}
