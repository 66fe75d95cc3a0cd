using Confluent.Kafka;
using ReliableKafka.Audit.Checking;

namespace ReliableKafka.Audit.Tests.Checking;

/// <summary>The checker's end-of-run rules, on what clients were told and the final logs.</summary>
public sealed class FinalChecksTests
{
    private static readonly Dictionary<(string Topic, int Partition), Dictionary<long, string>> Logs = new()
    {
        [("checked", 1)] = new() { [0] = "check-idempotent|1|0", [1] = "check-idempotent|1|1" },
    };

    private static List<CheckViolation> Check(params Delivery[] deliveries) => Check(Logs, deliveries);

    private static List<CheckViolation> Check(Dictionary<(string Topic, int Partition), Dictionary<long, string>> logs, params Delivery[] deliveries) =>
        [.. FinalChecks.Run(static (_, _) => false, static (_, _) => "no elections", static (_, _, offset) => offset == 5, logs, new HashSet<Acks> { Acks.All }, deliveries, [], [])];

    /// <summary>
    /// librdkafka reports a retry that the broker already had beyond the five batches it remembers as persisted at offset
    /// -1001 (unknown). Found by rk check: such an acknowledgement was reported lost although the record was in the log.
    /// </summary>
    [Fact]
    public void An_acknowledgement_at_an_unknown_offset_is_kept_when_the_record_is_anywhere_in_the_partition()
    {
        Assert.Empty(Check(new Delivery("check-idempotent", true, Acks.All, "checked", 1, 1, true, Offset.Unset.Value, null)));

        var lost = Assert.Single(Check(new Delivery("check-idempotent", true, Acks.All, "checked", 1, 7, true, Offset.Unset.Value, null)));
        Assert.Equal(CheckInvariant.AcknowledgedWritesSurvive, lost.Invariant);
        Assert.Contains("at an unknown offset", lost.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_acknowledgement_at_an_offset_that_holds_another_record_is_lost()
    {
        var lost = Assert.Single(Check(new Delivery("check-idempotent", true, Acks.All, "checked", 1, 1, true, 0, null)));

        Assert.Contains("the final log holds check-idempotent|1|0 there", lost.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// Found by rk check: a record appended but answered NOT_ENOUGH_REPLICAS_AFTER_APPEND, whose retries Kafka refuses
    /// with NOT_ENOUGH_REPLICAS before its duplicate check, is sent again under a new producer epoch by librdkafka. The
    /// copy that follows the refused append is explained; a duplicate without such an answer is a violation.
    /// </summary>
    [Fact]
    public void A_duplicate_after_an_append_answered_with_an_error_is_explained_and_any_other_is_a_violation()
    {
        var logs = new Dictionary<(string Topic, int Partition), Dictionary<long, string>>
        {
            [("checked", 0)] = new() { [5] = "check-idempotent|0|3", [6] = "check-idempotent|0|4", [9] = "check-idempotent|0|3", [10] = "check-idempotent|0|4", [11] = "check-idempotent|0|5" },
        };

        var found = Check(logs, new Delivery("check-idempotent", true, Acks.All, "checked", 0, 3, true, 9, null));

        var duplicate = Assert.Single(found);
        Assert.Equal(CheckInvariant.IdempotentOncePerPartitionInOrder, duplicate.Invariant);
        Assert.Contains("record 4 at offset 10 repeats its record at offset 6", duplicate.Detail, StringComparison.Ordinal);
    }
}
