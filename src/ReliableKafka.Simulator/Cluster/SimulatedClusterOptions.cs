using Microsoft.Extensions.Logging;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>How a <see cref="SimulatedCluster"/> is laid out.</summary>
public sealed class SimulatedClusterOptions
{
    /// <summary>Number of brokers, with ids 1..N. The default is 3.</summary>
    public int Brokers { get; set; } = 3;

    /// <summary>The address brokers listen on and advertise. The default is 127.0.0.1 (not localhost, which may resolve to ::1).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The first broker's port; the others follow consecutively. The default, 0, gives every broker an ephemeral port.</summary>
    public int FirstPort { get; set; }

    /// <summary>Whether a Metadata or Produce request for an unknown topic creates it. The default is true.</summary>
    public bool AutoCreateTopics { get; set; } = true;

    /// <summary>Settings of auto-created topics. The default: 1 partition, replication factor min(3, brokers), min.insync.replicas 1.</summary>
    public TopicSettings? DefaultTopic { get; set; }

    /// <summary>replica.lag.time.max.ms: how long a follower may be behind before it leaves the ISR. The default is 30 seconds.</summary>
    public TimeSpan ReplicaLagTimeMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// broker.session.timeout.ms: how long a paused broker keeps its partitions before the cluster fences it and
    /// elects other leaders. The default is 9 seconds, as in Kafka.
    /// </summary>
    public TimeSpan BrokerSessionTimeout { get; set; } = TimeSpan.FromSeconds(9);

    /// <summary>The cluster id Metadata reports. The default is "reliablekafka-simulator".</summary>
    public string ClusterId { get; set; } = "reliablekafka-simulator";

    /// <summary>
    /// A directory that keeps topics and replica logs across restarts: loaded at start when it holds a snapshot, written
    /// when the cluster stops cleanly. The default, null, keeps everything in memory only.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>The clock; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Where the brokers log: why a connection closed (client gone, bad or oversized frame, unsupported API or version,
    /// a failing handler, a fault) and handler exceptions with the API key and client id. The default, null, logs
    /// nothing.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal TopicSettings EffectiveDefaultTopic => DefaultTopic ?? new TopicSettings(1, Math.Min(3, Brokers), 1);
}
