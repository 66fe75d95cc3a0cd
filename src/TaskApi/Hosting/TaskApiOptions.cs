namespace TaskApi.Hosting;

/// <summary>The service's own settings: the "TaskApi" configuration section, validated at start-up.</summary>
public sealed class TaskApiOptions
{
    /// <summary>The configuration section: "TaskApi".</summary>
    public const string SectionName = "TaskApi";

    /// <summary>
    /// Where the embedded defaults keep their files (the SQLite databases and the dead-letter spill), relative to the
    /// current directory. The default is "data".
    /// </summary>
    public string DataDirectory { get; set; } = TaskApiDefaults.DataDirectory;

    /// <summary>"auto" (PostgreSQL when ConnectionStrings:Tasks names a Host, SQLite otherwise), "sqlite" or "postgresql". The default is "auto".</summary>
    public string DatabaseProvider { get; set; } = "auto";

    /// <summary>PRAGMA synchronous of the SQLite databases: FULL (the default; survives power loss) or NORMAL.</summary>
    public string SqliteSynchronous { get; set; } = "FULL";

    /// <summary>The largest request body accepted, in bytes. The default is 65536.</summary>
    public long MaxRequestBodyBytes { get; set; } = TaskApiDefaults.MaxRequestBodyBytes;

    /// <summary>The most writes (creates, completions) committed in one database transaction. The default is 256.</summary>
    public int WriteBatchSize { get; set; } = TaskApiDefaults.WriteBatchSize;

    /// <summary>The topics.</summary>
    public TopicNames Topics { get; set; } = new();

    /// <summary>The notification consumer.</summary>
    public NotificationOptions Notifications { get; set; } = new();

    /// <summary>The thresholds of <c>/health</c>.</summary>
    public HealthOptions Health { get; set; } = new();

    /// <summary>The embedded simulated cluster (used only when Kafka:BootstrapServers is empty).</summary>
    public EmbeddedClusterOptions Simulator { get; set; } = new();

    /// <summary>The full path of <see cref="DataDirectory"/>.</summary>
    public string DataPath => Path.GetFullPath(DataDirectory);
}

/// <summary>The topics the service writes to.</summary>
public sealed class TopicNames
{
    /// <summary>task.created and task.completed, through the outbox, Critical profile. The default is "task-events".</summary>
    public string TaskEvents { get; set; } = "task-events";

    /// <summary>Analytics events, Analytics profile (acks=1). The default is "task-analytics".</summary>
    public string Analytics { get; set; } = "task-analytics";

    /// <summary>Request metrics samples, Metrics profile (acks=0). The default is "task-metrics".</summary>
    public string Metrics { get; set; } = "task-metrics";
}

/// <summary>The notification consumer hosted in the service.</summary>
public sealed class NotificationOptions
{
    /// <summary>Whether this instance runs the consumer. The default is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The consumer group. The default is "task-notifications".</summary>
    public string GroupId { get; set; } = "task-notifications";

    /// <summary>
    /// Extra librdkafka consumer settings, for example <c>session.timeout.ms</c> (how soon a killed instance's
    /// partitions move to another member) or security settings. The default is empty.
    /// </summary>
    public Dictionary<string, string> ConsumerSettings { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>When <c>/health</c> reports the outbox as degraded or unhealthy.</summary>
public sealed class HealthOptions
{
    /// <summary>Pending events from which the outbox is Degraded. The default is 1000.</summary>
    public long OutboxPendingDegraded { get; set; } = 1_000;

    /// <summary>Pending events from which the outbox is Unhealthy. The default is 100000.</summary>
    public long OutboxPendingUnhealthy { get; set; } = 100_000;

    /// <summary>Age of the oldest pending event from which the outbox is Degraded. The default is 30 seconds.</summary>
    public TimeSpan OutboxAgeDegraded { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Age of the oldest pending event from which the outbox is Unhealthy. The default is 5 minutes.</summary>
    public TimeSpan OutboxAgeUnhealthy { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the Kafka check waits for metadata. The default is 2 seconds.</summary>
    public TimeSpan KafkaTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>The in-process simulated cluster of the embedded default.</summary>
public sealed class EmbeddedClusterOptions
{
    /// <summary>The first broker's port (the others follow); 0, the default, picks free ports.</summary>
    public int FirstPort { get; set; }

    /// <summary>The port of its control API on 127.0.0.1 (faults, ground truth; see docs/faults.md); 0, the default, picks a free one.</summary>
    public int ControlPort { get; set; }
}

/// <summary>Defaults of <see cref="TaskApiOptions"/>.</summary>
public static class TaskApiDefaults
{
    /// <summary>"data".</summary>
    public const string DataDirectory = "data";

    /// <summary>64 KiB: a task is at most 200 + 4000 characters.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>256.</summary>
    public const int WriteBatchSize = 256;

    /// <summary>The URL when none is configured: http://127.0.0.1:5080.</summary>
    public const string Url = "http://127.0.0.1:5080";
}
