namespace ReliableKafka.Audit;

/// <summary>
/// What an <see cref="AuditRunner"/> runs and against what. A plain class; <see cref="AuditRunner"/> validates it once,
/// when constructed, and throws one exception listing every problem.
/// </summary>
public sealed class AuditOptions
{
    /// <summary>
    /// The scenario ids to run (see <see cref="ScenarioIds"/>). The default, null, runs every scenario, or
    /// <see cref="ScenarioIds.Quick"/> when <see cref="Quick"/> is set.
    /// </summary>
    public IList<string>? Scenarios { get; set; }

    /// <summary>
    /// The configurations to audit. The default, null, audits <see cref="AuditConfigurations.All"/>, or
    /// <see cref="AuditConfigurations.Quick"/> when <see cref="Quick"/> is set.
    /// </summary>
    public IList<AuditConfiguration>? Configurations { get; set; }

    /// <summary>The reduced matrix (lost-acks and leader-crash with acks0, acks1, acks-all and critical). The default is false.</summary>
    public bool Quick { get; set; }

    /// <summary>A real cluster's bootstrap servers. The default, null, runs every scenario on a fresh in-process simulated cluster.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>
    /// With <see cref="BootstrapServers"/>: the command that stops and starts brokers, with <c>{action}</c> and
    /// <c>{broker}</c> placeholders (see <see cref="CommandHookFaults"/>). The default is null.
    /// </summary>
    public string? FaultCommand { get; set; }

    /// <summary>With <see cref="BootstrapServers"/>: the faults to use instead of <see cref="FaultCommand"/>. The default is null.</summary>
    public IClusterFaults? Faults { get; set; }

    /// <summary>Messages the workload sends per second. The default is 500.</summary>
    public double MessagesPerSecond { get; set; } = AuditDefaults.MessagesPerSecond;

    /// <summary>Distinct keys the workload cycles through. The default is 12.</summary>
    public int Keys { get; set; } = AuditDefaults.Keys;

    /// <summary>
    /// Whether to shorten the producer's timeouts so a run takes seconds: socket.timeout.ms and request.timeout.ms
    /// 1000, reconnect.backoff.max.ms 500, and the delivery timeout divided by 24 and kept between 1.5 and 6 seconds
    /// (Critical's 120 s becomes 5 s, the at-least-once 30 s becomes 1.5 s). The default, null, shortens them on the
    /// simulator and not on a real cluster.
    /// </summary>
    public bool? ShortTimeouts { get; set; }

    /// <summary>How long the workload runs before the fault schedule starts. The default is 0.6 s.</summary>
    public TimeSpan Warmup { get; set; } = AuditDefaults.Warmup;

    /// <summary>How long the workload runs after the fault schedule ends. The default is 0.8 s.</summary>
    public TimeSpan Tail { get; set; } = AuditDefaults.Tail;

    /// <summary>How long a schedule waits for brokers to return and replicas to catch up. The default, null, is 5 s on the simulator and 2 minutes on a real cluster.</summary>
    public TimeSpan? RecoveryTimeout { get; set; }

    /// <summary>Runs at a time (simulator only; a real cluster runs one at a time). The default is 1.</summary>
    public int Parallelism { get; set; } = 1;

    /// <summary>The audit's id, written into every value and topic name. The default, null, is a random one.</summary>
    public string? RunId { get; set; }

    /// <summary>Where dead-letter spill files go. The default, null, is a directory under the system's temporary directory.</summary>
    public string? WorkDirectory { get; set; }
}
