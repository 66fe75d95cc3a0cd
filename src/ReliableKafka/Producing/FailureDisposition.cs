namespace ReliableKafka;

/// <summary>What the producer did with a message that failed.</summary>
public enum FailureDisposition
{
    /// <summary>Nothing to do: the message was delivered.</summary>
    None = 0,

    /// <summary>Handed back to the caller to publish again (retriable failures); nothing else holds it.</summary>
    ReturnedForRetry = 1,

    /// <summary>Written to the dead-letter topic with the original key, value and headers plus failure headers.</summary>
    DeadLettered = 2,

    /// <summary>The dead-letter topic could not be written, so the message was stored in the local spill file.</summary>
    SpilledLocally = 3,

    /// <summary>The caller stopped waiting. The client still owns the message and may deliver it; its final outcome is
    /// logged and counted (and dead-lettered if it fails fatally).</summary>
    WaitCancelled = 4,

    /// <summary>Neither the dead-letter topic nor the local spill could take the message; it is only in this outcome and the log.</summary>
    Unhandled = 5,
}
