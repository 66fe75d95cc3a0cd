using System.Globalization;
using Confluent.Kafka;

namespace ReliableKafka;

/// <summary>
/// The typed result of one publish: <see cref="DeliveryStatus.Delivered"/> with partition, offset and latency, or
/// <see cref="DeliveryStatus.Failed"/> with the error, whether the message may be in the log anyway, whether it is
/// retriable, and what was done with it. Every message handed to a <see cref="ReliableProducer{TKey, TValue}"/> gets
/// exactly one.
/// </summary>
public readonly record struct DeliveryOutcome
{
    /// <summary>Delivered or Failed.</summary>
    public DeliveryStatus Status { get; init; }

    /// <summary>The topic the message was published to.</summary>
    public string Topic { get; init; }

    /// <summary>The partition, or -1 when none was assigned.</summary>
    public int Partition { get; init; }

    /// <summary>The offset in the partition, or -1 when the message has none.</summary>
    public long Offset { get; init; }

    /// <summary>Time from the publish call to its outcome.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>The error, or <see cref="ErrorCode.NoError"/> when delivered.</summary>
    public ErrorCode Error { get; init; }

    /// <summary>Why it failed, in words; null when delivered.</summary>
    public string? Reason { get; init; }

    /// <summary>Persisted when delivered; for a failure, whether the message may be in the log anyway.</summary>
    public PersistenceStatus Persistence { get; init; }

    /// <summary>Retriable, fatal or configuration; <see cref="FailureKind.None"/> when delivered.</summary>
    public FailureKind Kind { get; init; }

    /// <summary>What was done with a failed message.</summary>
    public FailureDisposition Disposition { get; init; }

    /// <summary>Where the dead letter was written, when <see cref="Disposition"/> is <see cref="FailureDisposition.DeadLettered"/>.</summary>
    public TopicPartitionOffset? DeadLetter { get; init; }

    /// <summary>True when the cluster acknowledged the message.</summary>
    public bool IsDelivered => Status == DeliveryStatus.Delivered;

    /// <summary>True when the failure is transient and publishing the message again can succeed.</summary>
    public bool IsRetriable => Kind == FailureKind.Retriable;

    /// <summary>A delivered outcome.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="offset">The offset.</param>
    /// <param name="latency">Time from publish to acknowledgement.</param>
    /// <returns>The outcome.</returns>
    public static DeliveryOutcome Delivered(string topic, int partition, long offset, TimeSpan latency) => new()
    {
        Status = DeliveryStatus.Delivered,
        Topic = topic,
        Partition = partition,
        Offset = offset,
        Latency = latency,
        Error = ErrorCode.NoError,
        Persistence = PersistenceStatus.Persisted,
    };

    /// <summary>A failed outcome.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition, or -1.</param>
    /// <param name="error">The error code.</param>
    /// <param name="reason">Why, in words.</param>
    /// <param name="persistence">Whether the message may be in the log anyway.</param>
    /// <param name="kind">Retriable, fatal or configuration.</param>
    /// <param name="disposition">What was done with it.</param>
    /// <param name="latency">Time from publish to this outcome.</param>
    /// <returns>The outcome.</returns>
    public static DeliveryOutcome Failed(
        string topic,
        int partition,
        ErrorCode error,
        string reason,
        PersistenceStatus persistence,
        FailureKind kind,
        FailureDisposition disposition,
        TimeSpan latency) => new()
        {
            Status = DeliveryStatus.Failed,
            Topic = topic,
            Partition = partition,
            Offset = -1,
            Latency = latency,
            Error = error,
            Reason = reason,
            Persistence = persistence,
            Kind = kind,
            Disposition = disposition,
        };

    /// <summary>One line, for example <c>Delivered to task-events [1] @ 42 in 3.1 ms</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var ms = Latency.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
        if (IsDelivered)
        {
            return $"Delivered to {Topic} [{Partition}] @ {Offset} in {ms} ms";
        }

        var where = Disposition switch
        {
            FailureDisposition.DeadLettered when DeadLetter is { } dlt => $"dead-lettered to {dlt.Topic} [{dlt.Partition.Value}] @ {dlt.Offset.Value}",
            FailureDisposition.DeadLettered => "dead-lettered",
            FailureDisposition.SpilledLocally => "spilled to the local dead-letter store",
            FailureDisposition.ReturnedForRetry => "returned for retry",
            FailureDisposition.WaitCancelled => "wait cancelled, may still be delivered",
            FailureDisposition.Unhandled => "not stored anywhere",
            _ => Disposition.ToString(),
        };
        var persistence = Persistence switch
        {
            PersistenceStatus.NotPersisted => "not persisted",
            PersistenceStatus.PossiblyPersisted => "possibly persisted",
            _ => "persisted",
        };
        return $"Failed to publish to {Topic}: {Error} ({Kind.ToString().ToLowerInvariant()}, {persistence}): {Reason}; {where}";
    }
}
