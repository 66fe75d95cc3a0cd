namespace ReliableKafka;

/// <summary>What a failure means for the message. See <see cref="ErrorClassifier"/>.</summary>
public enum FailureKind
{
    /// <summary>Not a failure: the message was delivered.</summary>
    None = 0,

    /// <summary>Transient (timeouts, leader changes, too few in-sync replicas, network): publishing again later can succeed.</summary>
    Retriable = 1,

    /// <summary>The message can never be delivered as it is (too large, invalid record), or the client instance broke.</summary>
    Fatal = 2,

    /// <summary>The deployment is wrong (authorization, unknown topic, authentication): no retry helps until someone changes it.</summary>
    Configuration = 3,
}
