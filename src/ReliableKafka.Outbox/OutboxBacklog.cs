namespace ReliableKafka.Outbox;

/// <summary>What the outbox still holds.</summary>
/// <param name="Pending">Events not yet published (waiting, in flight, or retrying).</param>
/// <param name="OldestPendingAt">When the oldest pending event was written; null when none is pending.</param>
/// <param name="Dead">Events that failed for good (fatal errors), kept for inspection.</param>
public sealed record OutboxBacklog(long Pending, DateTimeOffset? OldestPendingAt, long Dead)
{
    /// <summary>How old the oldest pending event is at <paramref name="now"/>; zero when none is pending.</summary>
    /// <param name="now">The time to measure from.</param>
    /// <returns>The age.</returns>
    public TimeSpan OldestAge(DateTimeOffset now) => OldestPendingAt is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;
}
