using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Faults;

/// <summary>
/// The faults of one broker: lost responses, delays, injected errors, a pause and network cuts. Each method returns
/// the <see cref="FaultHandle"/> that ends it. Thread-safe; with no fault in force a request pays one array read.
/// </summary>
public sealed class BrokerFaults
{
    /// <summary>The APIs <see cref="InjectError"/> can fail.</summary>
    public static readonly IReadOnlyList<ApiKey> ErrorInjectableApis =
        [ApiKey.Produce, ApiKey.Fetch, ApiKey.ListOffsets, ApiKey.Metadata, ApiKey.InitProducerId, ApiKey.AddPartitionsToTxn, ApiKey.AddOffsetsToTxn, ApiKey.EndTxn, ApiKey.TxnOffsetCommit];

    private readonly Lock _gate = new();
    private readonly int _broker;
    private readonly Action<bool> _pauseChanged;
    private readonly Action<string?> _resetConnections;
    private Entry[] _entries = [];
    private TaskCompletionSource? _paused;

    internal BrokerFaults(int broker, Action<bool> pauseChanged, Action<string?> resetConnections)
    {
        _broker = broker;
        _pauseChanged = pauseChanged;
        _resetConnections = resetConnections;
    }

    /// <summary>The faults in force, oldest first.</summary>
    public IReadOnlyList<FaultHandle> Active => [.. Volatile.Read(ref _entries).Select(static e => e.Handle).Where(static h => h.IsActive)];

    /// <summary>True while the broker is paused.</summary>
    public bool IsPaused => Volatile.Read(ref _paused) is not null;

    internal bool Any => Volatile.Read(ref _entries).Length > 0;

    /// <summary>Completes when the broker is not paused (at once when it is not).</summary>
    internal Task WhenRunning => Volatile.Read(ref _paused)?.Task ?? Task.CompletedTask;

    /// <summary>
    /// Drops the response to the next <paramref name="count"/> Produce requests after the append, as a network that
    /// loses acknowledgements would: the records are in the log, the client times out and retries.
    /// </summary>
    /// <param name="count">How many responses to drop (1 or more).</param>
    /// <returns>The fault.</returns>
    public FaultHandle DropProduceResponses(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Add(new Entry(EntryKind.DropProduceResponse), FaultKinds.DropProduceResponses,
            $"drop the responses to {count} Produce request(s) on broker {_broker} after the append", count);
    }

    /// <summary>Delays every response of this broker (or of one API) by <paramref name="delay"/>, after the request took effect.</summary>
    /// <param name="delay">How long each response waits.</param>
    /// <param name="api">Only responses of this API; null for all.</param>
    /// <returns>The fault.</returns>
    public FaultHandle Delay(TimeSpan delay, ApiKey? api = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return Add(new Entry(EntryKind.Delay) { Api = api, Delay = delay }, FaultKinds.Delay,
            $"delay {(api is null ? "every response" : $"{api} responses")} of broker {_broker} by {delay.TotalMilliseconds:0} ms", null);
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> requests of <paramref name="api"/> with <paramref name="error"/> and no
    /// effect (nothing is appended). For Produce, Fetch and ListOffsets the error goes to the matching partitions; for
    /// Metadata to every topic; for InitProducerId to the request.
    /// </summary>
    /// <param name="api">One of <see cref="ErrorInjectableApis"/>.</param>
    /// <param name="error">The Kafka error (not <see cref="KafkaErrorCode.None"/>).</param>
    /// <param name="count">How many requests (or partitions) it hits.</param>
    /// <param name="topic">Only this topic; null for any.</param>
    /// <param name="partition">Only this partition; null for any.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentException">The API cannot be failed, or the error is None or unknown.</exception>
    public FaultHandle InjectError(ApiKey api, KafkaErrorCode error, int count = 1, string? topic = null, int? partition = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!ErrorInjectableApis.Contains(api))
        {
            throw new ArgumentException($"Unknown API '{api}' here; use one of {string.Join(", ", ErrorInjectableApis)}.", nameof(api));
        }

        if (error == KafkaErrorCode.None || !Enum.IsDefined(error))
        {
            throw new ArgumentException($"Unknown Kafka error '{(short)error}'; give a name such as NOT_ENOUGH_REPLICAS or a code such as 19.", nameof(error));
        }

        var where = topic is null ? "" : partition is null ? $" for {topic}" : $" for {topic}[{partition}]";
        return Add(new Entry(EntryKind.Error) { Api = api, Error = error, Topic = topic, Partition = partition }, FaultKinds.Error,
            $"answer {count} {api} request(s) to broker {_broker}{where} with {KafkaErrors.Name(error)} ({(short)error})", count);
    }

    /// <summary>
    /// Holds the transaction markers this broker writes as a transaction coordinator: decided transactions wait in
    /// PrepareCommit or PrepareAbort (read_committed consumers wait behind them) until the fault ends, or until their
    /// transactional id moves to another coordinator (this broker crashes), which writes them.
    /// </summary>
    /// <returns>The fault.</returns>
    public FaultHandle HoldTransactionMarkers() =>
        Add(new Entry(EntryKind.HoldMarkers), FaultKinds.HoldMarkers, $"hold the transaction markers broker {_broker} writes as a coordinator", null);

    /// <summary>
    /// Pauses the broker, like SIGSTOP: connections stay open and nothing is answered, it stops replicating, and after
    /// <see cref="Cluster.SimulatedClusterOptions.BrokerSessionTimeout"/> the cluster fences it (its partitions elect
    /// other leaders). Removing the fault resumes it: held requests are answered, and it rejoins as a follower.
    /// </summary>
    /// <returns>The fault.</returns>
    public FaultHandle Pause()
    {
        lock (_gate)
        {
            _paused ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var handle = Add(new Entry(EntryKind.Pause), FaultKinds.Pause, $"pause broker {_broker}", null);
        _pauseChanged(true);
        return handle;
    }

    /// <summary>
    /// Cuts the network between clients and this broker: every client, or those whose client.id is
    /// <paramref name="clientId"/>. Replication between brokers is not affected.
    /// </summary>
    /// <param name="clientId">The client.id to cut off; null for every client.</param>
    /// <param name="mode">Drop requests silently, or reset the connections.</param>
    /// <returns>The fault.</returns>
    public FaultHandle CutNetwork(string? clientId, NetworkCutMode mode)
    {
        var who = clientId is null ? "every client" : $"client.id '{clientId}'";
        var handle = Add(new Entry(EntryKind.Cut) { ClientId = clientId, Mode = mode }, FaultKinds.NetworkCut,
            $"cut {who} off broker {_broker} ({mode.ToString().ToLowerInvariant()})", null);
        if (mode == NetworkCutMode.Reset)
        {
            _resetConnections(clientId);
        }

        return handle;
    }

    /// <summary>Ends every fault of this broker (a paused broker resumes).</summary>
    /// <returns>How many faults were in force.</returns>
    public int Clear()
    {
        var active = Active;
        foreach (var handle in active)
        {
            handle.Remove();
        }

        return active.Count;
    }

    /// <summary>True when this Produce response must be dropped (and counts it).</summary>
    internal bool TakeDroppedProduceResponse() => Take(EntryKind.DropProduceResponse, static _ => true);

    /// <summary>The injected error for this API (and partition), if one is due; counts it.</summary>
    internal KafkaErrorCode TakeError(ApiKey api, string? topic = null, int partition = -1)
    {
        var code = KafkaErrorCode.None;
        Take(EntryKind.Error, e =>
        {
            if (e.Api != api || (e.Topic is not null && topic is not null && e.Topic != topic) || (e.Partition is { } p && partition >= 0 && p != partition))
            {
                return false;
            }

            code = e.Error;
            return true;
        });
        return code;
    }

    /// <summary>True while a fault holds the transaction markers this broker writes as a coordinator.</summary>
    internal bool HoldsTransactionMarkers
    {
        get
        {
            foreach (var entry in Volatile.Read(ref _entries))
            {
                if (entry.Kind == EntryKind.HoldMarkers && entry.Handle.IsActive)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The total delay for a response of this API.</summary>
    internal TimeSpan DelayFor(ApiKey api)
    {
        var total = TimeSpan.Zero;
        foreach (var entry in Volatile.Read(ref _entries))
        {
            if (entry.Kind == EntryKind.Delay && (entry.Api is null || entry.Api == api) && entry.Handle.IsActive)
            {
                total += entry.Delay;
            }
        }

        return total;
    }

    /// <summary>The cut that applies to this client, if any.</summary>
    internal NetworkCutMode? CutFor(string? clientId)
    {
        foreach (var entry in Volatile.Read(ref _entries))
        {
            if (entry.Kind == EntryKind.Cut && (entry.ClientId is null || entry.ClientId == clientId) && entry.Handle.IsActive)
            {
                return entry.Mode;
            }
        }

        return null;
    }

    private bool Take(EntryKind kind, Func<Entry, bool> matches)
    {
        foreach (var entry in Volatile.Read(ref _entries))
        {
            if (entry.Kind == kind && matches(entry) && entry.Handle.TryTake())
            {
                return true;
            }
        }

        return false;
    }

    private FaultHandle Add(Entry entry, string kind, string description, int? count)
    {
        var handle = new FaultHandle(kind, _broker, description, count, Removed);
        entry.Handle = handle;
        lock (_gate)
        {
            Volatile.Write(ref _entries, [.. _entries, entry]);
        }

        return handle;
    }

    private void Removed(FaultHandle handle)
    {
        TaskCompletionSource? resumed = null;
        lock (_gate)
        {
            Volatile.Write(ref _entries, [.. _entries.Where(e => e.Handle != handle)]);
            if (handle.Kind == FaultKinds.Pause && !_entries.Any(static e => e.Kind == EntryKind.Pause))
            {
                resumed = _paused;
                _paused = null;
            }
        }

        if (resumed is not null)
        {
            _pauseChanged(false);
            resumed.TrySetResult();
        }
    }

    private enum EntryKind
    {
        HoldMarkers,
        DropProduceResponse,
        Delay,
        Error,
        Pause,
        Cut,
    }

    /// <summary>One fault in force; only the fields of its kind are set.</summary>
    private sealed record Entry(EntryKind Kind)
    {
        public ApiKey? Api { get; init; }

        public KafkaErrorCode Error { get; init; }

        public string? Topic { get; init; }

        public int? Partition { get; init; }

        public string? ClientId { get; init; }

        public TimeSpan Delay { get; init; }

        public NetworkCutMode Mode { get; init; }

        public FaultHandle Handle { get; set; } = null!;
    }
}
