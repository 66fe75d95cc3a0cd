namespace ReliableKafka.Audit.Expectations;

/// <summary>Compares a run's counts with what Kafka allows.</summary>
internal static class VerdictRules
{
    /// <summary>The verdict, the reasons for it, and whether a Critical configuration broke a promise.</summary>
    public static (Verdict Verdict, IReadOnlyList<string> Reasons, bool CriticalViolation) Judge(
        AuditCounts counts, ExpectedBehaviour expected, bool isCritical, int acks)
    {
        var reasons = new List<string>();
        var broken = false;
        void Check(long observed, Expectation expectation, string what, string promise)
        {
            if (observed > 0 && expectation == Expectation.Forbidden)
            {
                reasons.Add($"UNEXPECTED: {observed} {what}; {promise}");
                broken = true;
            }
            else if (observed == 0 && expectation == Expectation.Expected)
            {
                reasons.Add($"UNEXPECTED: no record {Verb(what)}, but Kafka's semantics predict it here; the fault may have missed");
            }
            else if (observed > 0)
            {
                reasons.Add($"{observed} {what} ({expectation.ToString().ToLowerInvariant()} here)");
            }
        }

        Check(counts.Lost, expected.Loss, "acknowledged records lost", "Kafka promises no loss here");
        Check(counts.Duplicated, expected.Duplication, "records duplicated", "Kafka promises no duplicates here");
        Check(counts.Reordered, expected.Reordering, "records reordered", "Kafka promises per-key order here");
        if (counts.AbortedReads > 0)
        {
            reasons.Add($"UNEXPECTED: {counts.AbortedReads} records of aborted transactions are visible to read_committed consumers (an aborted read); Kafka promises they never are");
            broken = true;
        }

        if (counts.TornTransactions > 0)
        {
            reasons.Add($"UNEXPECTED: {counts.TornTransactions} transactions are visible to read_committed consumers only in part (torn); Kafka promises all or nothing");
            broken = true;
        }

        if (counts.NotPersistedButPresent > 0 && acks != 0)
        {
            reasons.Add($"UNEXPECTED: {counts.NotPersistedButPresent} records the client reported as not persisted are in the log");
        }

        if (counts.UnacknowledgedPresent > counts.NotPersistedButPresent)
        {
            reasons.Add($"note: {counts.UnacknowledgedPresent - counts.NotPersistedButPresent} records reported as failed (possibly persisted) are in the log; an application that publishes them again writes them twice");
        }

        var unexpected = reasons.Any(static r => r.StartsWith("UNEXPECTED", StringComparison.Ordinal));
        var verdict = unexpected ? Verdict.Unexpected
            : counts.Lost + counts.Duplicated + counts.Reordered > 0 ? Verdict.Expected
            : Verdict.Pass;
        return (verdict, reasons, isCritical && broken);
    }

    private static string Verb(string what) => what switch
    {
        _ when what.Contains("lost", StringComparison.Ordinal) => "was lost",
        _ when what.Contains("duplicated", StringComparison.Ordinal) => "was duplicated",
        _ => "was reordered",
    };
}
