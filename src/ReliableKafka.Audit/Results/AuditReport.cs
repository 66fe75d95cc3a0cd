namespace ReliableKafka.Audit;

/// <summary>The result of an audit: one <see cref="AuditRunResult"/> per scenario and configuration.</summary>
public sealed record AuditReport
{
    /// <summary>The version of this model's JSON form (docs/audit.md): 1.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>The audit's id; every value written carries it.</summary>
    public required string RunId { get; init; }

    /// <summary>When the audit started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Wall-clock time of the whole audit, in milliseconds.</summary>
    public double DurationMs { get; init; }

    /// <summary>"simulator" or "cluster".</summary>
    public required string Target { get; init; }

    /// <summary>The cluster's bootstrap servers, for a real cluster.</summary>
    public string? BootstrapServers { get; init; }

    /// <summary>The fault command, for a real cluster.</summary>
    public string? FaultCommand { get; init; }

    /// <summary>Whether this was the quick matrix.</summary>
    public bool Quick { get; init; }

    /// <summary>The scenarios, in order.</summary>
    public IReadOnlyList<ScenarioInfo> Scenarios { get; init; } = [];

    /// <summary>The configurations, in order.</summary>
    public IReadOnlyList<ConfigurationInfo> Configurations { get; init; } = [];

    /// <summary>One result per scenario and configuration, scenario-major.</summary>
    public IReadOnlyList<AuditRunResult> Results { get; init; } = [];

    /// <summary>How many results had each verdict.</summary>
    public AuditSummary Summary { get; init; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>
    /// True when a configuration marked Critical lost, duplicated or reordered anything where Kafka promises it won't:
    /// the rk command exits non-zero.
    /// </summary>
    public bool CriticalViolation { get; init; }
}
