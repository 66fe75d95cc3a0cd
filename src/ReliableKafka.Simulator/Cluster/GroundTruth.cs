namespace ReliableKafka.Simulator.Cluster;

/// <summary>What happened, as the cluster knows it.</summary>
public enum TruthEventKind
{
    /// <summary>A leader appended a batch.</summary>
    Appended,

    /// <summary>A retried batch was recognised as a duplicate and answered with its original offset.</summary>
    Deduplicated,

    /// <summary>A produce request was answered with success.</summary>
    Acknowledged,

    /// <summary>A replica removed the tail of its log.</summary>
    Truncated,

    /// <summary>A partition got a new leader (or none).</summary>
    Elected,

    /// <summary>A partition's in-sync replica set changed.</summary>
    IsrChanged,

    /// <summary>A broker crashed, restarted or was shut down.</summary>
    BrokerStateChanged,

    /// <summary>A fault dropped a response after the request took effect.</summary>
    ResponseDropped,

    /// <summary>A fault answered a request with an error instead of serving it.</summary>
    ErrorInjected,

    /// <summary>A produce request was answered with an error (for example NOT_ENOUGH_REPLICAS); Detail names it.</summary>
    Refused,
}

/// <summary>One ground-truth event. Fields that do not apply are -1 or null.</summary>
/// <param name="Sequence">Order of the event in the cluster.</param>
/// <param name="At">When it happened.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Topic">The topic, if any.</param>
/// <param name="Partition">The partition, or -1.</param>
/// <param name="Broker">The broker the event is about, or -1.</param>
/// <param name="FirstOffset">First offset concerned, or -1.</param>
/// <param name="LastOffset">Last offset concerned, or -1.</param>
/// <param name="LeaderEpoch">The leader epoch in force, or -1.</param>
/// <param name="ProducerId">The idempotent producer, or -1.</param>
/// <param name="Detail">Words: the reason, the new ISR, the election kind.</param>
public sealed record TruthEvent(
    long Sequence,
    DateTimeOffset At,
    TruthEventKind Kind,
    string? Topic,
    int Partition,
    int Broker,
    long FirstOffset,
    long LastOffset,
    int LeaderEpoch,
    long ProducerId,
    string? Detail);

/// <summary>The cluster's record of every append, acknowledgement, truncation and election. Thread-safe.</summary>
public sealed class GroundTruth
{
    private readonly Lock _gate = new();
    private readonly List<TruthEvent> _events = [];
    private readonly TimeProvider _time;
    private long _sequence;

    /// <summary>Creates an empty record.</summary>
    /// <param name="time">The clock; the system clock when null.</param>
    public GroundTruth(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Every event so far, in order.</summary>
    public IReadOnlyList<TruthEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The events of one partition, in order.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition.</param>
    /// <returns>The events.</returns>
    public IReadOnlyList<TruthEvent> For(string topic, int partition)
    {
        lock (_gate)
        {
            return [.. _events.Where(e => e.Topic == topic && e.Partition == partition)];
        }
    }

    internal void Add(TruthEventKind kind, string? topic, int partition, int broker, long firstOffset = -1, long lastOffset = -1, int epoch = -1, long producerId = -1, string? detail = null)
    {
        lock (_gate)
        {
            _events.Add(new TruthEvent(++_sequence, _time.GetUtcNow(), kind, topic, partition, broker, firstOffset, lastOffset, epoch, producerId, detail));
        }
    }
}
