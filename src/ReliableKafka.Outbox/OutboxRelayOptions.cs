namespace ReliableKafka.Outbox;

/// <summary>How <see cref="OutboxRelay"/> claims and retries events.</summary>
public sealed class OutboxRelayOptions
{
    /// <summary>Events claimed and published per round. The default is 1000.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// Rounds in flight at once: while one round waits for its acknowledgements, the next claims and publishes. Each
    /// key still has at most one event in flight, so per-key order holds. The default is 2.
    /// </summary>
    public int Workers { get; set; } = 2;

    /// <summary>How long the relay sleeps when the outbox is empty (unless woken by <see cref="OutboxRelay.Notify"/>). The default is 200 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The first wait after a retriable failure; it doubles per attempt. The default is 1 second.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts. The default is 30 seconds.</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a claimed event stays reserved for this relay. It must outlast a publish, so the default, null, means
    /// the producer's delivery timeout (message.timeout.ms) plus 30 seconds.
    /// </summary>
    public TimeSpan? LeaseDuration { get; set; }

    /// <summary>
    /// This relay's name in the lease column. With PostgreSQL give each instance a stable name so that a restarted
    /// instance takes back its own leases at once. The default, null, is "machine:process id".
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// What a dead event does to the later events of its key. The default, <see cref="OutboxDeadEventPolicy.BlockKey"/>,
    /// holds them back until an operator retries or skips it (<c>rk outbox</c>, or <see cref="OutboxStore.RetryDeadEventAsync"/>
    /// and <see cref="OutboxStore.SkipDeadEventAsync"/>).
    /// </summary>
    public OutboxDeadEventPolicy DeadEvents { get; set; } = OutboxDeadEventPolicy.BlockKey;

    internal void Validate()
    {
        var errors = new List<string>();
        if (BatchSize is < 1 or > 100_000)
        {
            errors.Add($"BatchSize must be between 1 and 100000, not {BatchSize}.");
        }

        if (Workers is < 1 or > 16)
        {
            errors.Add($"Workers must be between 1 and 16, not {Workers}.");
        }

        if (PollInterval <= TimeSpan.Zero || RetryBackoff <= TimeSpan.Zero || MaxRetryBackoff < RetryBackoff)
        {
            errors.Add("PollInterval and RetryBackoff must be positive, and MaxRetryBackoff at least RetryBackoff.");
        }

        if (LeaseDuration is { } lease && lease <= TimeSpan.Zero)
        {
            errors.Add($"LeaseDuration must be positive, not {lease}.");
        }

        if (!Enum.IsDefined(DeadEvents))
        {
            errors.Add($"DeadEvents must be BlockKey or PublishSuccessors, not {DeadEvents}.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid outbox relay options: " + string.Join(" ", errors));
        }
    }
}
