using Confluent.Kafka;
using ReliableKafka.Audit.Checking;
using ReliableKafka.Simulator.Cluster;
using Xunit.Abstractions;

namespace ReliableKafka.Audit.Tests.Checking;

/// <summary>The checker's transactional rules: Jepsen's anomaly classes, on what the producer was told and what read_committed saw.</summary>
public sealed class TransactionChecksTests(ITestOutputHelper output)
{
    private const string Topic = CheckTopology.TransactionalTopic;

    private static readonly TransactionRun[] Runs =
    [
        new(1, 2, TransactionClientOutcome.Committed, null),
        new(2, 1, TransactionClientOutcome.Aborted, null),
        new(3, 1, TransactionClientOutcome.Unknown, "fenced"),
    ];

    private static Consumed Read(long number, int partition, int index, int count, long offset) =>
        new("reader", Topic, partition, offset, CheckWorkload.TransactionValue(number, partition, index, count));

    /// <summary>Transaction 1 whole (two records in each of the two partitions).</summary>
    private static readonly Consumed[] Whole =
    [
        Read(1, 0, 0, 2, 0), Read(1, 0, 1, 2, 1), Read(1, 1, 0, 2, 0), Read(1, 1, 1, 2, 1),
    ];

    private static List<CheckViolation> Check(Consumed[] live, Consumed[] view) => [.. TransactionChecks.Run(static () => "ground truth", Runs, live, view)];

    [Fact]
    public void A_committed_transaction_seen_whole_and_an_unknown_one_seen_not_at_all_break_nothing()
    {
        Assert.Empty(Check(Whole, Whole));
        Assert.Empty(Check([], [.. Whole, Read(3, 0, 0, 1, 3), Read(3, 1, 0, 1, 3)]));
    }

    [Fact]
    public void A_record_of_an_aborted_transaction_read_live_or_in_the_final_view_is_an_aborted_read()
    {
        var violations = Check([Read(2, 1, 0, 1, 2)], [.. Whole, Read(2, 0, 0, 1, 2), Read(2, 1, 0, 1, 2)]);

        Assert.Equal(3, violations.Count);
        Assert.All(violations, static v => Assert.Equal(CheckInvariant.NoAbortedReads, v.Invariant));
        Assert.Contains("transaction 2, which was aborted", violations[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Part_of_a_transaction_is_torn_and_none_of_a_committed_one_is_lost()
    {
        var torn = Assert.Single(Check([], [.. Whole.Take(3), Read(3, 0, 0, 1, 3)]), static v => v.Invariant == CheckInvariant.TransactionsWhole && v.Detail.Contains("transaction 1 ", StringComparison.Ordinal));
        Assert.Contains("1 of 2 in partition 1", torn.Detail, StringComparison.Ordinal);
        Assert.Single(Check([], [.. Whole, Read(3, 0, 0, 1, 3)]), static v => v.Invariant == CheckInvariant.TransactionsWhole);

        var lost = Assert.Single(Check([], []));
        Assert.Equal(CheckInvariant.CommittedTransactionsSurvive, lost.Invariant);
    }

    [Fact]
    public void A_record_seen_twice_is_a_duplicate()
    {
        var duplicate = Assert.Single(Check([], [.. Whole, Read(1, 0, 1, 2, 5)]));

        Assert.Equal(CheckInvariant.TransactionalRecordsOnce, duplicate.Invariant);
        Assert.Contains("repeats the record at offset 1", duplicate.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_stable_offset_from_a_log_stops_at_an_open_transaction_and_at_a_marker_not_yet_replicated()
    {
        static ReplicaBatch Batch(long offset, long producer, BatchKind kind) => new(offset, offset, 0, producer, 0, -1, 0, kind);
        ReplicaBatch[] log =
        [
            Batch(0, -1, BatchKind.Records),
            Batch(1, 7, BatchKind.TransactionalRecords),
            Batch(2, 8, BatchKind.TransactionalRecords),
            Batch(3, 7, BatchKind.CommitMarker),
            Batch(4, 9, BatchKind.TransactionalRecords),
            Batch(5, 9, BatchKind.AbortMarker),
        ];

        Assert.Equal(2, ReplicaMonitor.ExpectedLastStableOffset(log, highWatermark: 6));
        Assert.Equal(1, ReplicaMonitor.ExpectedLastStableOffset(log[..4], highWatermark: 3));
        Assert.Equal(4, ReplicaMonitor.ExpectedLastStableOffset([log[0], log[4], log[5]], highWatermark: 5));
        Assert.Equal(6, ReplicaMonitor.ExpectedLastStableOffset([log[0], log[4], log[5]], highWatermark: 6));
    }

    /// <summary>
    /// The checker can fail: reading the transactional topic with read_uncommitted while holding it to read_committed's
    /// promise, the aborted transactions the workload writes are caught as aborted reads.
    /// </summary>
    [Fact]
    public async Task Reading_read_uncommitted_is_caught_as_aborted_reads()
    {
        var result = await ScheduleRunner.RunAsync(new CheckSchedule([new CheckStep(1500, new HealFault(0))]), new HashSet<Acks> { Acks.All }, CancellationToken.None, IsolationLevel.ReadUncommitted);

        output.WriteLine(string.Join(Environment.NewLine, result.Violations));
        Assert.True(result.TransactionsAborted > 0, "no transaction was aborted");
        Assert.Contains(result.Violations, static v => v.Invariant == CheckInvariant.NoAbortedReads);
        Assert.All(result.Violations, static v => Assert.Equal(CheckInvariant.NoAbortedReads, v.Invariant));
    }
}
