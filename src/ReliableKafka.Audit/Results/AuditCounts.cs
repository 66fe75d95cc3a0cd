namespace ReliableKafka.Audit;

/// <summary>The counts of one run. Every count is complete, even when the record lists are capped.</summary>
public sealed record AuditCounts
{
    /// <summary>Messages handed to the producer.</summary>
    public long Sent { get; init; }

    /// <summary>Messages the client reported as delivered.</summary>
    public long Acknowledged { get; init; }

    /// <summary>Messages the client reported as failed (see the failures by error code and persistence status).</summary>
    public long Failed { get; init; }

    /// <summary>Acknowledged messages that are not in the log.</summary>
    public long Lost { get; init; }

    /// <summary>Messages present in the log more than once.</summary>
    public long Duplicated { get; init; }

    /// <summary>Messages whose first copy is in the log after a later message of the same key in the same partition.</summary>
    public long Reordered { get; init; }

    /// <summary>Messages that failed (or got no report) and are in the log anyway.</summary>
    public long UnacknowledgedPresent { get; init; }

    /// <summary>Of those, messages the client reported as not persisted: the client's status was wrong.</summary>
    public long NotPersistedButPresent { get; init; }

    /// <summary>Failed messages found on the dead-letter topic.</summary>
    public long DeadLettered { get; init; }

    /// <summary>Records read from the topic that this run did not write (another run, or an unreadable value).</summary>
    public long Foreign { get; init; }

    /// <summary>Transactional configurations: transactions whose commit was acknowledged.</summary>
    public long TransactionsCommitted { get; init; }

    /// <summary>Transactional configurations: transactions the producer aborted (after an abortable error).</summary>
    public long TransactionsAborted { get; init; }

    /// <summary>Transactional configurations: records of aborted transactions that a read_committed consumer reads (an aborted read).</summary>
    public long AbortedReads { get; init; }

    /// <summary>Transactional configurations: transactions a read_committed consumer sees only part of (a torn transaction).</summary>
    public long TornTransactions { get; init; }
}
