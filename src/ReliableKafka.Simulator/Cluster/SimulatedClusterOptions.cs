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

    /// <summary>
    /// transaction.max.timeout.ms: the longest transaction.timeout.ms a transactional producer may ask for; a longer one
    /// is refused with INVALID_TRANSACTION_TIMEOUT. The default is 15 minutes, as in Kafka.
    /// </summary>
    public TimeSpan TransactionMaxTimeout { get; set; } = TimeSpan.FromMinutes(15);

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

    /// <summary>
    /// socket.request.max.bytes: the largest request a broker reads. A size prefix above it closes the connection before
    /// anything is read or allocated for the request, as Kafka does. The default is 104857600 (100 MiB), Kafka's.
    /// </summary>
    public int MaxRequestSize { get; set; } = Protocol.KafkaFrame.DefaultMaxFrameSize;

    /// <summary>
    /// The bytes all connections of all brokers together may hold for requests being read (Kafka's
    /// queued.max.request.bytes). A connection reserves a request's announced size once the size prefix has arrived;
    /// while the rest is reserved it reads nothing more and waits, so memory stays bounded whatever size prefixes
    /// clients send. The default is 256 MiB.
    /// </summary>
    public long MaxBufferedRequestBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// How long a connection may sit in the middle of a request (part of a size prefix or body read) without sending
    /// more bytes, or wait for room in <see cref="MaxBufferedRequestBytes"/>, before the broker closes it. Measured on
    /// <see cref="TimeProvider"/>. The default is 60 seconds (Kafka's connections.max.idle.ms, for idle connections of
    /// any kind, is 10 minutes).
    /// </summary>
    public TimeSpan PartialRequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    internal TopicSettings EffectiveDefaultTopic => DefaultTopic ?? new TopicSettings(1, Math.Min(3, Brokers), 1);
}
