namespace ReliableKafka.Audit;

/// <summary>What Kafka's semantics say about one kind of anomaly (loss, duplication or reordering) in one run.</summary>
public enum Expectation
{
    /// <summary>Kafka promises it does not happen; any occurrence is reported as unexpected.</summary>
    Forbidden,

    /// <summary>It may happen, depending on timing.</summary>
    Possible,

    /// <summary>The scenario makes it happen for this configuration; if it does not, the fault probably missed.</summary>
    Expected,
}
