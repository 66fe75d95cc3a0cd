namespace ReliableKafka.Audit.Checking;

/// <summary>A property of Kafka that the simulator checker verifies under random faults.</summary>
public enum CheckInvariant
{
    /// <summary>Every in-sync replica holds the same batches as the leader below the high watermark.</summary>
    IsrReplicasAgree,

    /// <summary>A partition's high watermark never goes backwards, unless an unclean election is recorded.</summary>
    HighWatermarkMonotonic,

    /// <summary>A batch once below the high watermark stays in the leader's log, unless an unclean election is recorded.</summary>
    CommittedBatchesStay,

    /// <summary>Leader epochs only grow, and every epoch a partition shows was recorded as an election.</summary>
    ElectionsRecorded,

    /// <summary>A record acknowledged with acks=all is in the final log at its acknowledged offset, unless an unclean election is recorded.</summary>
    AcknowledgedWritesSurvive,

    /// <summary>An idempotent producer's records appear at most once each, and in the order it sent them, per partition.</summary>
    IdempotentOncePerPartitionInOrder,

    /// <summary>A record a consumer read is in the final log at the offset it was read from (it was committed), unless an unclean election is recorded.</summary>
    ConsumersReadCommittedRecords,

    /// <summary>A consumer's offsets only move forward per partition within one assignment, unless an unclean election is recorded.</summary>
    ConsumerOffsetsMoveForward,

    /// <summary>A read_committed consumer never reads a record of an aborted transaction (Jepsen's aborted read).</summary>
    NoAbortedReads,

    /// <summary>A read_committed consumer sees each transaction whole or not at all, across its partitions (no torn transaction).</summary>
    TransactionsWhole,

    /// <summary>A transaction whose commit was acknowledged is visible to read_committed consumers, whole (no lost committed write).</summary>
    CommittedTransactionsSurvive,

    /// <summary>A transactional producer's records appear at most once in what read_committed consumers see.</summary>
    TransactionalRecordsOnce,

    /// <summary>The last stable offset is where the leader's log says: the first offset of the oldest open (or unreplicated) transaction, at most the high watermark; and it reaches the high watermark once no transaction is open.</summary>
    LastStableOffsetConsistent,
}

/// <summary>What each <see cref="CheckInvariant"/> means, in words (one source for <c>rk check</c> and the docs).</summary>
public static class CheckInvariants
{
    /// <summary>Every invariant, with its description.</summary>
    public static IReadOnlyList<(CheckInvariant Invariant, string Description)> All { get; } =
    [
        (CheckInvariant.IsrReplicasAgree, "every in-sync replica holds the leader's batches below the high watermark"),
        (CheckInvariant.HighWatermarkMonotonic, "a high watermark never goes backwards without a recorded unclean election"),
        (CheckInvariant.CommittedBatchesStay, "a batch once below the high watermark stays in the leader's log without a recorded unclean election"),
        (CheckInvariant.ElectionsRecorded, "leader epochs only grow, and every epoch seen was recorded as an election"),
        (CheckInvariant.AcknowledgedWritesSurvive, "an acks=all acknowledgement is never lost without a recorded unclean election"),
        (CheckInvariant.IdempotentOncePerPartitionInOrder, "an idempotent producer's records appear at most once, in order, per partition"),
        (CheckInvariant.ConsumersReadCommittedRecords, "consumers read only records that stay in the log (committed), unless an unclean election removed them"),
        (CheckInvariant.ConsumerOffsetsMoveForward, "a consumer's offsets only move forward per partition within an assignment"),
        (CheckInvariant.NoAbortedReads, "a read_committed consumer never reads a record of an aborted transaction"),
        (CheckInvariant.TransactionsWhole, "a read_committed consumer sees each transaction whole or not at all, over all its partitions"),
        (CheckInvariant.CommittedTransactionsSurvive, "a transaction whose commit was acknowledged is visible whole to read_committed consumers"),
        (CheckInvariant.TransactionalRecordsOnce, "a transactional producer's records appear at most once to read_committed consumers"),
        (CheckInvariant.LastStableOffsetConsistent, "the last stable offset stops at the oldest open transaction in the leader's log, and reaches the high watermark when none is open"),
    ];
}

/// <summary>One broken invariant.</summary>
/// <param name="Invariant">Which.</param>
/// <param name="Topic">The topic concerned.</param>
/// <param name="Partition">The partition concerned.</param>
/// <param name="Detail">What was seen, and the partition's elections and truncations from the ground truth.</param>
public sealed record CheckViolation(CheckInvariant Invariant, string Topic, int Partition, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Invariant} on {Topic}[{Partition}]: {Detail}";
}
