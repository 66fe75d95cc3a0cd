namespace ReliableKafka.Audit.Checking;

/// <summary>
/// The transactional invariants checked once every fault is healed, as Jepsen's anomaly classes for transactions:
/// what the read_committed consumer read during the run and the final read_committed view of the transactional topic,
/// against what the transactional producer was told.
/// </summary>
internal static class TransactionChecks
{
    private const int MaxPerInvariant = 3;

    /// <param name="explain">The transaction's story in the ground truth, to explain a violation.</param>
    /// <param name="runs">The transactions the producer ran, with what it was told.</param>
    /// <param name="liveReads">What the read_committed consumer read while faults were applied.</param>
    /// <param name="committedView">The final read_committed view of the topic: every record's partition, offset and value.</param>
    public static IEnumerable<CheckViolation> Run(
        Func<string> explain,
        IReadOnlyList<TransactionRun> runs,
        IReadOnlyList<Consumed> liveReads,
        IReadOnlyList<Consumed> committedView)
    {
        var found = new List<CheckViolation>();
        var topic = CheckTopology.TransactionalTopic;

        void Add(CheckInvariant invariant, int partition, string detail)
        {
            if (found.Count(v => v.Invariant == invariant) < MaxPerInvariant)
            {
                found.Add(new CheckViolation(invariant, topic, partition, $"{detail}; {explain()}"));
            }
        }

        var byNumber = runs.ToDictionary(static r => r.Number);
        foreach (var (reads, what) in new[] { (liveReads, "the read_committed consumer read"), (committedView, "the final read_committed view holds") })
        {
            foreach (var read in reads)
            {
                if (CheckWorkload.TryParseTransaction(read.Value, out var number, out _, out _)
                    && byNumber.TryGetValue(number, out var run) && run.Outcome == TransactionClientOutcome.Aborted)
                {
                    Add(CheckInvariant.NoAbortedReads, read.Partition, $"{what} {read.Value} at offset {read.Offset}, a record of transaction {number}, which was aborted");
                }
            }
        }

        var seen = new Dictionary<(long Number, int Partition, int Index), long>();
        var counts = new Dictionary<long, int[]>();
        foreach (var read in committedView)
        {
            if (!CheckWorkload.TryParseTransaction(read.Value, out var number, out var partition, out var index))
            {
                continue;
            }

            if (seen.TryGetValue((number, partition, index), out var earlier))
            {
                Add(CheckInvariant.TransactionalRecordsOnce, read.Partition, $"{read.Value} at offset {read.Offset} repeats the record at offset {earlier}");
                continue;
            }

            seen[(number, partition, index)] = read.Offset;
            if (!counts.TryGetValue(number, out var perPartition))
            {
                counts[number] = perPartition = new int[CheckTopology.TransactionalPartitions];
            }

            if (partition >= 0 && partition < perPartition.Length)
            {
                perPartition[partition]++;
            }
        }

        foreach (var (number, perPartition) in counts)
        {
            var expected = byNumber.TryGetValue(number, out var run) ? run.RecordsPerPartition : perPartition.Max();
            if (perPartition.Any(c => c != expected))
            {
                Add(CheckInvariant.TransactionsWhole, Array.FindIndex(perPartition, c => c != expected),
                    $"transaction {number} is torn: read_committed sees {string.Join(", ", perPartition.Select((c, p) => $"{c} of {expected} in partition {p}"))} (the producer was told {run?.Outcome.ToString() ?? "nothing"})");
            }
        }

        foreach (var run in runs.Where(static r => r.Outcome == TransactionClientOutcome.Committed))
        {
            if (!counts.ContainsKey(run.Number))
            {
                Add(CheckInvariant.CommittedTransactionsSurvive, 0, $"transaction {run.Number} was committed ({run.RecordsPerPartition} record(s) per partition), but read_committed sees none of it");
            }
        }

        return found;
    }
}
