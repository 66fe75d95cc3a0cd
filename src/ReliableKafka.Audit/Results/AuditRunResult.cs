namespace ReliableKafka.Audit;

/// <summary>The result of one scenario with one configuration.</summary>
public sealed record AuditRunResult
{
    /// <summary>The scenario id.</summary>
    public required string Scenario { get; init; }

    /// <summary>The configuration id.</summary>
    public required string Configuration { get; init; }

    /// <summary>How the run compares with Kafka's semantics.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>Why: every anomaly observed and how it compares; lines that start with "UNEXPECTED" are disagreements.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>True when a Critical configuration lost, duplicated or reordered where Kafka promises it won't.</summary>
    public bool CriticalViolation { get; init; }

    /// <summary>Why the scenario was skipped, when <see cref="Verdict"/> is <see cref="Verdict.Skipped"/>.</summary>
    public string? SkipReason { get; init; }

    /// <summary>What went wrong, when <see cref="Verdict"/> is <see cref="Verdict.Error"/>.</summary>
    public string? Error { get; init; }

    /// <summary>What Kafka's semantics allow here.</summary>
    public ExpectedBehaviour? Expected { get; init; }

    /// <summary>The counts; null when the run did not get that far.</summary>
    public AuditCounts? Counts { get; init; }

    /// <summary>Failed messages by error code and persistence status.</summary>
    public IReadOnlyList<FailureGroup> Failures { get; init; } = [];

    /// <summary>Latency of the acknowledged sends.</summary>
    public LatencySummary? Latency { get; init; }

    /// <summary>Acknowledged messages per second over the time the workload sent.</summary>
    public double ThroughputPerSecond { get; init; }

    /// <summary>Wall-clock time of the run, in milliseconds.</summary>
    public double DurationMs { get; init; }

    /// <summary>The topic written.</summary>
    public string? Topic { get; init; }

    /// <summary>The producer's client.id.</summary>
    public string? ClientId { get; init; }

    /// <summary>The producer settings in force (the configuration plus the audit's timeouts and the scenario's needs), secrets masked.</summary>
    public IReadOnlyDictionary<string, string> EffectiveSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The first <see cref="AuditLimits.ListedRecords"/> lost records.</summary>
    public IReadOnlyList<LostRecord> Lost { get; init; } = [];

    /// <summary>The first <see cref="AuditLimits.ListedRecords"/> duplicated records.</summary>
    public IReadOnlyList<DuplicatedRecord> Duplicated { get; init; } = [];

    /// <summary>The first <see cref="AuditLimits.ListedRecords"/> reordered records.</summary>
    public IReadOnlyList<ReorderedRecord> Reordered { get; init; } = [];

    /// <summary>Why records were lost, duplicated or reordered, from the ground truth; empty when the cluster keeps none.</summary>
    public IReadOnlyList<Explanation> Explanations { get; init; } = [];

    /// <summary>Whether the cluster kept a ground truth (explanations are possible).</summary>
    public bool GroundTruth { get; init; }

    /// <summary>The fault schedule as applied.</summary>
    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];
}
