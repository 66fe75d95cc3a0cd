namespace ReliableKafka.Simulator.Control;

/// <summary>
/// What a service shows beside the cluster on the web console (<c>GET service</c> next to <c>GET console</c>; see
/// <see cref="ControlApi.MapServicePanel"/>): its producers' deliveries and their latency, its outbox, the keys its dead
/// events hold back, and a few counters of its own. The console draws it when the route answers, and leaves the
/// section out when it does not (<c>rk cluster</c> has no service).
/// </summary>
/// <param name="Name">The service, for the section's title.</param>
/// <param name="At">When it was read.</param>
/// <param name="Producers">Each producer's totals since the service started.</param>
/// <param name="Latency">Publish-to-acknowledgement times of every producer since start, in buckets.</param>
/// <param name="Outbox">The outbox backlog, when the service has an outbox.</param>
/// <param name="BlockedKeys">Keys held back by a dead event, oldest first (at most 10).</param>
/// <param name="Counters">Other totals the service counts (for example notifications sent).</param>
public sealed record ServicePanel(
    string Name,
    DateTimeOffset At,
    IReadOnlyList<ServiceProducer> Producers,
    IReadOnlyList<LatencyBucket> Latency,
    ServiceOutbox? Outbox,
    IReadOnlyList<BlockedKey> BlockedKeys,
    IReadOnlyList<ServiceCounter> Counters);

/// <summary>One producer's deliveries since the service started.</summary>
/// <param name="Name">The producer (its name in metrics).</param>
/// <param name="Delivered">Messages the cluster acknowledged.</param>
/// <param name="Failed">Messages that failed (each failure once, whatever was done with it).</param>
/// <param name="DeadLettered">Messages written to a dead-letter topic.</param>
public sealed record ServiceProducer(string Name, long Delivered, long Failed, long DeadLettered);

/// <summary>How many deliveries took at most <paramref name="UpToMs"/> milliseconds (and more than the previous bucket's bound).</summary>
/// <param name="UpToMs">The bucket's upper bound in ms; null for the last, unbounded one.</param>
/// <param name="Count">Deliveries in it.</param>
public sealed record LatencyBucket(double? UpToMs, long Count);

/// <summary>The outbox backlog.</summary>
/// <param name="Pending">Events not yet published.</param>
/// <param name="Waiting">Of those, events held back behind a dead event of their key.</param>
/// <param name="Dead">Dead events.</param>
/// <param name="OldestPendingSeconds">The age of the oldest pending event; null when none is pending.</param>
public sealed record ServiceOutbox(long Pending, long Waiting, long Dead, double? OldestPendingSeconds);

/// <summary>A key a dead event holds back.</summary>
/// <param name="Topic">Its topic.</param>
/// <param name="Key">The key.</param>
/// <param name="EventId">The dead event.</param>
/// <param name="Reason">Why it died.</param>
/// <param name="Waiting">Events of the key waiting behind it.</param>
public sealed record BlockedKey(string Topic, string Key, string EventId, string Reason, long Waiting);

/// <summary>A total the service counts.</summary>
/// <param name="Name">What it counts.</param>
/// <param name="Value">The total.</param>
public sealed record ServiceCounter(string Name, long Value);
