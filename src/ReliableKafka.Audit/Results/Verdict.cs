namespace ReliableKafka.Audit;

/// <summary>How one run of a scenario with a configuration compares with what Kafka promises.</summary>
public enum Verdict
{
    /// <summary>Nothing lost, duplicated or reordered, and nothing was expected to be.</summary>
    Pass,

    /// <summary>Records were lost, duplicated or reordered, and Kafka's semantics allow it for this configuration here.</summary>
    Expected,

    /// <summary>
    /// The run disagrees with Kafka's semantics: a record was lost, duplicated or reordered where that is not allowed,
    /// a failure the client called "not persisted" is in the log, or a predicted loss or duplication did not happen.
    /// </summary>
    Unexpected,

    /// <summary>The cluster cannot apply the faults this scenario needs; see the skip reason.</summary>
    Skipped,

    /// <summary>The run could not be carried out (the cluster or the client failed); see the error.</summary>
    Error,
}
