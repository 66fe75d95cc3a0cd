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

/// <summary>A scenario as the report describes it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Description">What its fault schedule does.</param>
public sealed record ScenarioInfo(string Id, string Description);

/// <summary>A configuration as the report describes it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Description">What it is.</param>
/// <param name="Source">"built-in" or the file it came from.</param>
/// <param name="IsCritical">Whether it is marked Critical.</param>
/// <param name="Settings">Its properties as written, secrets masked.</param>
/// <param name="Findings">The shared rules' warnings and notes, one line each.</param>
public sealed record ConfigurationInfo(string Id, string Description, string Source, bool IsCritical, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Findings);

/// <summary>How many results had each verdict.</summary>
/// <param name="Runs">All results.</param>
/// <param name="Pass">Verdict pass.</param>
/// <param name="Expected">Verdict expected.</param>
/// <param name="Unexpected">Verdict unexpected.</param>
/// <param name="Skipped">Verdict skipped.</param>
/// <param name="Error">Verdict error.</param>
public sealed record AuditSummary(int Runs, int Pass, int Expected, int Unexpected, int Skipped, int Error);
