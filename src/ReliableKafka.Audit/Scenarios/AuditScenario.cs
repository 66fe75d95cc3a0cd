namespace ReliableKafka.Audit.Scenarios;

/// <summary>One fault schedule. It runs while the workload produces, and leaves the cluster healed when it returns.</summary>
internal abstract class AuditScenario
{
    public abstract string Id { get; }

    /// <summary>One line for the report.</summary>
    public abstract string Description { get; }

    /// <summary>The faults it applies.</summary>
    public abstract FaultCapabilities Needs { get; }

    /// <summary>Whether the topic allows unclean leader election.</summary>
    public virtual bool UncleanLeaderElection => false;

    /// <summary>The topic's max.message.bytes, or null for the cluster's default.</summary>
    public virtual int? MaxMessageBytes => null;

    /// <summary>Producer settings the scenario needs on top of the configuration under test.</summary>
    public virtual IReadOnlyDictionary<string, string> ProducerOverrides { get; } = new Dictionary<string, string>();

    /// <summary>Whether the producer dead-letters fatal failures (through <see cref="ReliableProducer{TKey, TValue}"/>).</summary>
    public virtual bool UsesDeadLetters => false;

    /// <summary>Whether it needs a transactional configuration (it acts on the run's transactional.id); other configurations skip it.</summary>
    public virtual bool NeedsTransactions => false;

    public abstract Task RunAsync(ScenarioContext context);

    /// <summary>Why the scenario cannot run on a cluster with these faults, or null when it can.</summary>
    public string? SkipReason(FaultCapabilities available, string kind)
    {
        var missing = Needs & ~available;
        if (missing == FaultCapabilities.None)
        {
            return null;
        }

        var words = Enum.GetValues<FaultCapabilities>()
            .Where(f => f != FaultCapabilities.None && missing.HasFlag(f))
            .Select(Describe);
        return $"needs {string.Join(" and ", words)}, which the {kind} cannot apply";
    }

    private static string Describe(FaultCapabilities capability) => capability switch
    {
        FaultCapabilities.StopStart => "broker stops and starts",
        FaultCapabilities.Crash => "a hard broker crash",
        FaultCapabilities.CleanShutdown => "a clean broker shutdown (leadership moved first)",
        FaultCapabilities.FollowerLag => "stopping a follower",
        FaultCapabilities.DropProduceResponses => "dropping Produce responses",
        FaultCapabilities.NetworkCut => "a network cut between the producer and a broker",
        FaultCapabilities.Describe => "reading leaders and ISRs",
        FaultCapabilities.UncleanElection => "unclean leader election",
        FaultCapabilities.HoldTransactionMarkers => "holding a transaction coordinator's markers",
        _ => capability.ToString(),
    };
}
