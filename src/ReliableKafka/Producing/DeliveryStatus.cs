namespace ReliableKafka;

/// <summary>The end of one publish.</summary>
public enum DeliveryStatus
{
    /// <summary>The cluster acknowledged the message with the configured acks; it has a partition and an offset.</summary>
    Delivered = 0,

    /// <summary>The message was not acknowledged. <see cref="DeliveryOutcome"/> says why, whether it may still be in
    /// the log, whether it is worth publishing again, and what was done with it.</summary>
    Failed = 1,
}
