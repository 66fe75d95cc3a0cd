namespace ReliableKafka.Outbox;

/// <summary>What the outbox still holds.</summary>
/// <param name="Pending">Events not yet published (waiting, in flight, or retrying).</param>
/// <param name="OldestPendingAt">When the oldest pending event was written; null when none is pending.</param>
/// <param name="Dead">Events that failed for good (fatal errors), kept for an operator to retry or skip.</param>
public sealed record OutboxBacklog(long Pending, DateTimeOffset? OldestPendingAt, long Dead)
{
    /// <summary>
    /// Pending events that wait behind a dead event of their key (with <see cref="OutboxDeadEventPolicy.BlockKey"/>
    /// they go out only after the dead event is retried or skipped).
    /// </summary>
    public long Waiting { get; init; }

    /// <summary>The oldest dead events (up to 10), each naming its key and reason; empty when none is dead.</summary>
    public IReadOnlyList<DeadOutboxEvent> DeadEvents { get; init; } = [];

    /// <summary>How old the oldest pending event is at <paramref name="now"/>; zero when none is pending.</summary>
    /// <param name="now">The time to measure from.</param>
    /// <returns>The age.</returns>
    public TimeSpan OldestAge(DateTimeOffset now) => OldestPendingAt is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;
}

/// <summary>An outbox event that failed for good, and what waits behind it.</summary>
/// <param name="Id">Its outbox id: what <see cref="OutboxStore.RetryDeadEventAsync"/> and <see cref="OutboxStore.SkipDeadEventAsync"/> take.</param>
/// <param name="Topic">Its topic.</param>
/// <param name="Key">Its key.</param>
/// <param name="EventId">Its event id.</param>
/// <param name="Reason">The error that killed it (code and broker message; secrets redacted).</param>
/// <param name="Attempts">How many times it was published.</param>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="Waiting">Pending events of the same topic and key written after it.</param>
public sealed record DeadOutboxEvent(long Id, string Topic, string Key, string EventId, string Reason, int Attempts, DateTimeOffset CreatedAt, long Waiting);

/// <summary>What a dead event (one that failed for good) does to the later events of its key.</summary>
public enum OutboxDeadEventPolicy
{
    /// <summary>
    /// The default: the later events of its key wait until an operator retries the dead event (after fixing the cause)
    /// or skips it. A key's events are never published out of order; the price is that one bad event stops its key,
    /// so the backlog, health check and logs name it.
    /// </summary>
    BlockKey = 0,

    /// <summary>
    /// The later events of its key go out without it. Nothing stops, but if the dead event is replayed later it lands
    /// after its successors: use it only for events whose order does not matter.
    /// </summary>
    PublishSuccessors = 1,
}
