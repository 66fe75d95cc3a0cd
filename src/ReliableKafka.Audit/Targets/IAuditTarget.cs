namespace ReliableKafka.Audit.Targets;

/// <summary>The cluster one run writes to, with its faults.</summary>
internal interface IAuditTarget : IAsyncDisposable
{
    string BootstrapServers { get; }

    IClusterFaults Faults { get; }

    /// <summary>Creates a topic with replication factor 3.</summary>
    Task CreateTopicAsync(string topic, int partitions, int minInSyncReplicas, bool uncleanLeaderElection, int? maxMessageBytes, CancellationToken cancellationToken);

    /// <summary>Undoes whatever faults are left (a schedule that failed half-way).</summary>
    Task HealAsync(CancellationToken cancellationToken);
}
