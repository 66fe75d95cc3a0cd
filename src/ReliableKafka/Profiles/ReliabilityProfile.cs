namespace ReliableKafka;

/// <summary>
/// How much a stream of events may lose, duplicate or reorder. Each profile has producer defaults
/// (see <see cref="ReliabilityProfiles"/>) and decides which validation findings are errors.
/// </summary>
public enum ReliabilityProfile
{
    /// <summary>Orders, payments, tasks, audit logs: acks=all, idempotence on, retries until the delivery timeout.</summary>
    Critical = 0,

    /// <summary>Activity and recommendation events: acks=1, no idempotence; a leader crash may lose unreplicated events.</summary>
    Analytics = 1,

    /// <summary>High-volume samples where loss is fine: acks=0, fire and forget.</summary>
    Metrics = 2,
}
