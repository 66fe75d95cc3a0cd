using System.Text.Json.Serialization;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>What happened, as the cluster knows it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TruthEventKind>))]
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

    /// <summary>A produce request was answered with an error (for example NOT_ENOUGH_REPLICAS); <see cref="TruthEvent.Error"/> names it.</summary>
    Refused,

    /// <summary>A transaction began: its producer added the first partition or group (<see cref="TruthEvent.TransactionalId"/>).</summary>
    TransactionBegun,

    /// <summary>A partition (<see cref="TruthEvent.Topic"/>, <see cref="TruthEvent.Partition"/>) joined a transaction.</summary>
    PartitionAddedToTransaction,

    /// <summary>The coordinator decided a transaction's outcome (<see cref="TruthEvent.Outcome"/>, <see cref="TruthEvent.Cause"/>); its markers follow.</summary>
    TransactionDecided,

    /// <summary>A partition leader appended a transaction marker (<see cref="TruthEvent.Outcome"/>) at <see cref="TruthEvent.FirstOffset"/>.</summary>
    MarkerWritten,

    /// <summary>Every marker of a transaction is written and replicated: the transaction is complete.</summary>
    TransactionCompleted,

    /// <summary>A transactional id got a new producer epoch: the instance with the older one is fenced.</summary>
    ProducerFenced,

    /// <summary>A transaction stayed open longer than its transaction.timeout.ms: the coordinator aborts it and fences its producer.</summary>
    TransactionTimedOut,
}

/// <summary>How a transaction ends (the <see cref="TruthEvent.Outcome"/> of transaction events).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TransactionResult>))]
public enum TransactionResult
{
    /// <summary>Committed: read_committed consumers see its records.</summary>
    Commit,

    /// <summary>Aborted: read_committed consumers skip its records.</summary>
    Abort,
}

/// <summary>Why the coordinator decided a transaction (the <see cref="TruthEvent.Cause"/> of a <see cref="TruthEventKind.TransactionDecided"/> event).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TransactionCause>))]
public enum TransactionCause
{
    /// <summary>Its producer asked (EndTxn).</summary>
    Requested,

    /// <summary>A new instance with the same transactional id started (InitProducerId): the open transaction is aborted.</summary>
    Fenced,

    /// <summary>It stayed open longer than its transaction.timeout.ms.</summary>
    TimedOut,
}

/// <summary>How a partition got its leader (the <see cref="TruthEvent.Election"/> of an <see cref="TruthEventKind.Elected"/> event).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ElectionKind>))]
public enum ElectionKind
{
    /// <summary>The first leader of a new partition.</summary>
    Initial,

    /// <summary>The leader saved in the data directory, at start.</summary>
    Restored,

    /// <summary>An in-sync replica took over after the leader went down (or an offline partition's replica came back).</summary>
    Clean,

    /// <summary>A replica outside the ISR took over (unclean.leader.election.enable): records the ISR had may be lost.</summary>
    Unclean,

    /// <summary>A controlled shutdown moved leadership off the stopping broker (<see cref="TruthEvent.PreviousLeader"/>).</summary>
    Controlled,

    /// <summary>Leadership was moved on request to an in-sync replica (a preferred-leader election or reassignment).</summary>
    Moved,

    /// <summary>No live in-sync replica: the partition has no leader (<see cref="TruthEvent.Broker"/> is -1).</summary>
    Offline,
}

/// <summary>Why the ISR changed (the <see cref="TruthEvent.IsrChange"/> of an <see cref="TruthEventKind.IsrChanged"/> event).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IsrChangeReason>))]
public enum IsrChangeReason
{
    /// <summary>A follower caught up and joined (<see cref="TruthEvent.Broker"/>).</summary>
    CaughtUp,

    /// <summary>Followers lagged longer than replica.lag.time.max.ms and were removed.</summary>
    Lagging,

    /// <summary>A member went down (<see cref="TruthEvent.Broker"/>) and was removed.</summary>
    BrokerDown,

    /// <summary>The controller fenced a member (<see cref="TruthEvent.Broker"/>: paused past broker.session.timeout.ms) and removed it.</summary>
    Fenced,
}

/// <summary>What happened to a broker (the <see cref="TruthEvent.BrokerState"/> of a <see cref="TruthEventKind.BrokerStateChanged"/> event).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BrokerStateChange>))]
public enum BrokerStateChange
{
    /// <summary>It crashed (kill -9).</summary>
    Crashed,

    /// <summary>It shut down cleanly, its leaderships moved first.</summary>
    ShutDown,

    /// <summary>It was started again.</summary>
    Restarted,

    /// <summary>It was paused (SIGSTOP).</summary>
    Paused,

    /// <summary>It was resumed.</summary>
    Resumed,

    /// <summary>Paused longer than broker.session.timeout.ms, it was fenced: its partitions elect other leaders.</summary>
    Fenced,

    /// <summary>Resumed after being fenced, it rejoins as a follower.</summary>
    Unfenced,
}

/// <summary>
/// One ground-truth event. The fields that do not apply are -1 or null; <see cref="Detail"/> says the same in words, for
/// people. Which typed fields each kind sets: Appended, Deduplicated, Acknowledged and Refused: <see cref="Acks"/>
/// (Refused and ErrorInjected also <see cref="Error"/>); Deduplicated: <see cref="FirstSequence"/> and
/// <see cref="LastSequence"/>; Elected: <see cref="Election"/>, <see cref="Isr"/> and, when the leader left (a
/// controlled shutdown, a crash, a fence), <see cref="PreviousLeader"/>; IsrChanged: <see cref="IsrChange"/> and <see cref="Isr"/>; Truncated:
/// <see cref="Leader"/>; BrokerStateChanged: <see cref="BrokerState"/>; ErrorInjected and ResponseDropped: <see cref="Api"/>.
/// The transaction events set <see cref="TransactionalId"/>, <see cref="ProducerId"/> and <see cref="ProducerEpoch"/>;
/// TransactionDecided, MarkerWritten and TransactionCompleted also <see cref="Outcome"/>, TransactionDecided <see cref="Cause"/>;
/// <see cref="Broker"/> is the coordinator, except for MarkerWritten (the partition leader).
/// </summary>
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
/// <param name="Detail">The event in words, for people; tests and tools read the typed fields.</param>
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
    string? Detail)
{
    /// <summary>How the leader was chosen (Elected).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ElectionKind? Election { get; init; }

    /// <summary>
    /// The leader that left (Elected): moved off by a controlled shutdown (<see cref="ElectionKind.Controlled"/>), or
    /// replaced after it went down or was fenced (<see cref="ElectionKind.Clean"/>, <see cref="ElectionKind.Unclean"/>
    /// or <see cref="ElectionKind.Offline"/>; the preceding BrokerStateChanged event says which).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? PreviousLeader { get; init; }

    /// <summary>The in-sync replicas after the event (Elected, IsrChanged).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int>? Isr { get; init; }

    /// <summary>Why the ISR changed (IsrChanged).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IsrChangeReason? IsrChange { get; init; }

    /// <summary>What happened to the broker (BrokerStateChanged).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BrokerStateChange? BrokerState { get; init; }

    /// <summary>The error answered (Refused, ErrorInjected).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public KafkaErrorCode? Error { get; init; }

    /// <summary>The API of the request (ErrorInjected, ResponseDropped).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ApiKey? Api { get; init; }

    /// <summary>The acks of the produce request (Appended, Acknowledged, Refused).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public short? Acks { get; init; }

    /// <summary>The leader a truncated replica follows (Truncated).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Leader { get; init; }

    /// <summary>The first producer sequence of a deduplicated retry (Deduplicated).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FirstSequence { get; init; }

    /// <summary>The last producer sequence of a deduplicated retry (Deduplicated).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LastSequence { get; init; }

    /// <summary>The transactional id (transaction events).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TransactionalId { get; init; }

    /// <summary>The producer epoch (transaction events; ProducerFenced: the new one).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public short? ProducerEpoch { get; init; }

    /// <summary>Commit or abort (TransactionDecided, MarkerWritten, TransactionCompleted).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TransactionResult? Outcome { get; init; }

    /// <summary>Why the transaction was decided (TransactionDecided).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TransactionCause? Cause { get; init; }
}

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

    /// <summary>The sequence number of the newest event, or 0 before the first.</summary>
    public long LastSequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>The events after <paramref name="sequence"/> (0 for all), in order: a cheap way to follow the record as it grows.</summary>
    /// <param name="sequence">The last sequence number already seen.</param>
    /// <returns>The newer events.</returns>
    public IReadOnlyList<TruthEvent> EventsAfter(long sequence)
    {
        lock (_gate)
        {
            // Sequence numbers start at 1 and grow by one per event, so event n sits at index n - 1.
            var start = (int)Math.Clamp(sequence, 0, _events.Count);
            return _events.GetRange(start, _events.Count - start);
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

    /// <summary>Records an event; <paramref name="typed"/> sets its kind's typed fields.</summary>
    internal void Add(TruthEventKind kind, string? topic, int partition, int broker, long firstOffset = -1, long lastOffset = -1, int epoch = -1, long producerId = -1, string? detail = null, Func<TruthEvent, TruthEvent>? typed = null)
    {
        lock (_gate)
        {
            var entry = new TruthEvent(++_sequence, _time.GetUtcNow(), kind, topic, partition, broker, firstOffset, lastOffset, epoch, producerId, detail);
            _events.Add(typed is null ? entry : typed(entry));
        }
    }
}
