namespace ReliableKafka;

/// <summary>
/// Settings of a <see cref="TransactionalPublisher{TKey, TValue}"/>. Validated with the shared rule set (RK001...,
/// RK013 and RK014 for transactions) when the publisher is built.
/// </summary>
public sealed class TransactionalPublisherOptions
{
    /// <summary>The brokers, as host:port pairs separated by commas. Required (here or as bootstrap.servers in <see cref="Settings"/>).</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>
    /// The transactional.id: the same across restarts of one instance, different for every instance (for example the
    /// service's name and its instance ordinal). A new instance with the same id fences the old one. Required.
    /// </summary>
    public string? TransactionalId { get; set; }

    /// <summary>
    /// transaction.timeout.ms: how long a transaction may stay open before the coordinator aborts it and fences this
    /// instance; it also bounds how long a dead instance holds read_committed consumers back. The default is 60 seconds.
    /// </summary>
    public TimeSpan TransactionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long initialising, committing or aborting may block before the outcome is Unknown (or Aborted). The default is 30 seconds.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Other librdkafka properties (security, linger.ms...); settings that contradict transactions are refused.</summary>
    public IDictionary<string, string?> Settings { get; set; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The name used in logs and metrics. The default is the transactional.id.</summary>
    public string? Name { get; set; }
}
