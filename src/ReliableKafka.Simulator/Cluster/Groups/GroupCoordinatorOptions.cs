namespace ReliableKafka.Simulator.Cluster;

/// <summary>The group coordinator's broker settings. Read at each use, so a test may change them on a running cluster.</summary>
internal sealed class GroupCoordinatorOptions
{
    /// <summary>
    /// group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members (each
    /// new member restarts the wait, up to the rebalance timeout). The default is zero; Kafka's is three seconds.
    /// </summary>
    public TimeSpan InitialRebalanceDelay { get; set; } = TimeSpan.Zero;

    /// <summary>group.min.session.timeout.ms. The default is 1 ms, so tests may use short sessions; Kafka's is 6 seconds.</summary>
    public TimeSpan MinSessionTimeout { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>group.max.session.timeout.ms. The default is 30 minutes, as in Kafka.</summary>
    public TimeSpan MaxSessionTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>offset.metadata.max.bytes: the longest commit metadata accepted. The default is 4096, as in Kafka.</summary>
    public int MaxOffsetMetadataSize { get; set; } = 4096;
}
