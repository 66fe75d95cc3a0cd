using Confluent.Kafka;
using ReliableKafka.Audit.Verification;
using ReliableKafka.Audit.Workload;

namespace ReliableKafka.Audit.Tests.Verification;

public sealed class VerifierTests
{
    private static SentRecord Sent(long sequence, string key = "k") => new(sequence, key);

    private static DeliveryRecord Acked(long sequence, int partition, long offset, double ms = 1) =>
        new(sequence, ErrorCode.NoError, PersistenceStatus.Persisted, partition, offset, TimeSpan.FromMilliseconds(ms));

    private static DeliveryRecord Failed(long sequence, ErrorCode error, PersistenceStatus persistence) =>
        new(sequence, error, persistence, -1, -1, TimeSpan.FromMilliseconds(5));

    private static ConsumedRecord At(int partition, long offset, long sequence, string key = "k") => new(partition, offset, key, sequence);

    private static VerificationResult Verify(SentRecord[] sent, DeliveryRecord[] reports, ConsumedRecord[] consumed, long[]? dead = null, long foreign = 0) =>
        Verifier.Verify(sent, reports, consumed, dead ?? [], foreign);

    [Fact]
    public void Everything_acknowledged_and_present_once_in_order_is_clean()
    {
        var result = Verify(
            [Sent(0), Sent(1), Sent(2)],
            [Acked(0, 0, 0), Acked(1, 0, 1), Acked(2, 0, 2)],
            [At(0, 0, 0), At(0, 1, 1), At(0, 2, 2)]);

        Assert.Equal(new AuditCounts { Sent = 3, Acknowledged = 3 }, result.Counts);
        Assert.Empty(result.Lost);
        Assert.Empty(result.Duplicated);
        Assert.Empty(result.Reordered);
        Assert.Empty(result.Failures);
    }

    [Fact]
    public void An_acknowledged_record_missing_from_the_log_is_lost_with_its_acknowledged_offset()
    {
        var result = Verify([Sent(0), Sent(1, "b")], [Acked(0, 0, 0), Acked(1, 2, 41)], [At(0, 0, 0)]);

        Assert.Equal(1, result.Counts.Lost);
        Assert.Equal(new LostRecord(1, "b", 2, 41), Assert.Single(result.Lost));
    }

    [Fact]
    public void A_failed_record_missing_from_the_log_is_failed_not_lost()
    {
        var result = Verify([Sent(0), Sent(1)], [Acked(0, 0, 0), Failed(1, ErrorCode.Local_MsgTimedOut, PersistenceStatus.NotPersisted)], [At(0, 0, 0)]);

        Assert.Equal((1L, 1L, 0L, 0L), (result.Counts.Acknowledged, result.Counts.Failed, result.Counts.Lost, result.Counts.UnacknowledgedPresent));
        Assert.Equal(new FailureGroup("Local_MsgTimedOut", (int)ErrorCode.Local_MsgTimedOut, "NotPersisted", 1, 0, 0), Assert.Single(result.Failures));
    }

    [Fact]
    public void A_possibly_persisted_failure_in_the_log_is_unacknowledged_but_present()
    {
        var result = Verify([Sent(0)], [Failed(0, ErrorCode.RequestTimedOut, PersistenceStatus.PossiblyPersisted)], [At(0, 0, 0)]);

        Assert.Equal((1L, 1L, 0L), (result.Counts.Failed, result.Counts.UnacknowledgedPresent, result.Counts.NotPersistedButPresent));
        Assert.Equal(1, Assert.Single(result.Failures).Present);
    }

    [Fact]
    public void A_not_persisted_failure_in_the_log_is_counted_as_a_wrong_client_status()
    {
        var result = Verify([Sent(0)], [Failed(0, ErrorCode.NotEnoughReplicas, PersistenceStatus.NotPersisted)], [At(0, 0, 0)]);

        Assert.Equal((1L, 1L), (result.Counts.UnacknowledgedPresent, result.Counts.NotPersistedButPresent));
    }

    [Fact]
    public void A_message_without_a_report_is_failed_as_NoReport_possibly_persisted()
    {
        var result = Verify([Sent(0), Sent(1)], [Acked(0, 0, 0)], [At(0, 0, 0), At(0, 1, 1)]);

        Assert.Equal((1L, 1L), (result.Counts.Failed, result.Counts.UnacknowledgedPresent));
        Assert.Equal(new FailureGroup(Verifier.NoReport, (int)ErrorCode.Unknown, "PossiblyPersisted", 1, 1, 0), Assert.Single(result.Failures));
    }

    [Fact]
    public void Failures_are_grouped_by_error_and_persistence_largest_first()
    {
        var result = Verify(
            [Sent(0), Sent(1), Sent(2), Sent(3)],
            [
                Failed(0, ErrorCode.Local_MsgTimedOut, PersistenceStatus.NotPersisted),
                Failed(1, ErrorCode.Local_MsgTimedOut, PersistenceStatus.PossiblyPersisted),
                Failed(2, ErrorCode.Local_MsgTimedOut, PersistenceStatus.PossiblyPersisted),
                Failed(3, ErrorCode.MsgSizeTooLarge, PersistenceStatus.NotPersisted),
            ],
            []);

        Assert.Equal(
            [("Local_MsgTimedOut", "PossiblyPersisted", 2L), ("Local_MsgTimedOut", "NotPersisted", 1L), ("MsgSizeTooLarge", "NotPersisted", 1L)],
            result.Failures.Select(static f => (f.Error, f.Persistence, f.Count)));
    }

    [Fact]
    public void A_sequence_present_twice_is_one_duplicated_record_with_both_offsets()
    {
        var result = Verify([Sent(0), Sent(1)], [Acked(0, 0, 0), Acked(1, 0, 1)], [At(0, 0, 0), At(0, 1, 1), At(0, 2, 0)]);

        Assert.Equal((1L, 0L, 0L), (result.Counts.Duplicated, result.Counts.Reordered, result.Counts.Lost));
        Assert.Equal([0L, 2L], Assert.Single(result.Duplicated).Offsets);
    }

    [Fact]
    public void A_sequence_present_three_times_counts_once()
    {
        var result = Verify([Sent(0)], [Acked(0, 0, 0)], [At(0, 5, 0), At(0, 0, 0), At(0, 9, 0)]);

        Assert.Equal(1, result.Counts.Duplicated);
        Assert.Equal([0L, 5L, 9L], Assert.Single(result.Duplicated).Offsets);
    }

    [Fact]
    public void A_first_copy_after_a_later_sequence_of_its_key_is_reordered()
    {
        // Sequence 1's first attempt failed before the append; its retry landed after sequence 2.
        var result = Verify([Sent(0), Sent(1), Sent(2)], [Acked(0, 0, 0), Acked(1, 0, 2), Acked(2, 0, 1)], [At(0, 0, 0), At(0, 1, 2), At(0, 2, 1)]);

        Assert.Equal((1L, 0L), (result.Counts.Reordered, result.Counts.Duplicated));
        Assert.Equal(new ReorderedRecord(1, "k", 0, 2, 2, 1), Assert.Single(result.Reordered));
    }

    [Fact]
    public void Reordering_is_judged_per_key()
    {
        var result = Verify(
            [Sent(0, "a"), Sent(1, "b"), Sent(2, "a"), Sent(3, "b")],
            [Acked(0, 0, 1), Acked(1, 0, 0), Acked(2, 0, 3), Acked(3, 0, 2)],
            [At(0, 0, 1, "b"), At(0, 1, 0, "a"), At(0, 2, 3, "b"), At(0, 3, 2, "a")]);

        Assert.Equal(0, result.Counts.Reordered);
    }

    [Fact]
    public void Reordering_is_judged_per_partition()
    {
        var result = Verify([Sent(0), Sent(1)], [Acked(0, 1, 0), Acked(1, 0, 0)], [At(1, 0, 0), At(0, 0, 1)]);

        Assert.Equal(0, result.Counts.Reordered);
    }

    [Fact]
    public void A_later_copy_of_a_duplicate_is_duplicated_not_reordered()
    {
        var result = Verify([Sent(0), Sent(1), Sent(2)], [Acked(0, 0, 0), Acked(1, 0, 1), Acked(2, 0, 2)], [At(0, 0, 0), At(0, 1, 1), At(0, 2, 2), At(0, 3, 0)]);

        Assert.Equal((1L, 0L), (result.Counts.Duplicated, result.Counts.Reordered));
    }

    [Fact]
    public void Records_this_run_did_not_send_are_foreign()
    {
        var result = Verify([Sent(0)], [Acked(0, 0, 0)], [At(0, 0, 0), At(0, 1, 77)], foreign: 2);

        Assert.Equal((3L, 0L, 0L), (result.Counts.Foreign, result.Counts.Duplicated, result.Counts.Reordered));
    }

    [Fact]
    public void Failed_records_found_on_the_dead_letter_topic_are_dead_lettered()
    {
        var result = Verify([Sent(0), Sent(1)], [Acked(0, 0, 0), Failed(1, ErrorCode.MsgSizeTooLarge, PersistenceStatus.NotPersisted)], [At(0, 0, 0)], dead: [1]);

        Assert.Equal((1L, 0L), (result.Counts.DeadLettered, result.Counts.Lost));
        Assert.Equal(1, Assert.Single(result.Failures).DeadLettered);
    }

    [Fact]
    public void Latency_is_the_nearest_rank_p50_p99_and_max_of_acknowledged_sends_only()
    {
        var sent = Enumerable.Range(0, 101).Select(static i => Sent(i)).ToArray();
        var reports = Enumerable.Range(0, 100).Select(static i => Acked(i, 0, i, ms: i + 1)).Append(Failed(100, ErrorCode.Local_MsgTimedOut, PersistenceStatus.NotPersisted)).ToArray();
        var consumed = Enumerable.Range(0, 100).Select(static i => At(0, i, i)).ToArray();

        var result = Verify(sent, reports, consumed);

        Assert.Equal(new LatencySummary(50, 99, 100), result.Latency);
    }

    [Fact]
    public void No_acknowledged_sends_give_zero_latency()
    {
        Assert.Equal(new LatencySummary(0, 0, 0), Verify([Sent(0)], [], []).Latency);
    }
}
