using Microsoft.Extensions.Logging;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>What the cluster's background replication logs: a failure stays on its own partition and replica.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Replication of {Topic}-{Partition} to broker {Replica} failed in leader epoch {LeaderEpoch}; that replica stops fetching the partition until its next leader epoch, the others go on")]
    public static partial void ReplicationFailed(ILogger logger, string topic, int partition, int replica, int leaderEpoch, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "The ISR check of {Topic}-{Partition} failed; the other partitions go on")]
    public static partial void IsrCheckFailed(ILogger logger, string topic, int partition, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "The transaction coordinator's round (timeouts, markers) failed; it runs again at the next replication round")]
    public static partial void TransactionTickFailed(ILogger logger, Exception exception);
}
