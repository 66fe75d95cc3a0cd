using System.ComponentModel;
using System.Text.Json.Serialization;
using ReliableKafka.Simulator.Faults;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Control;

/// <summary>
/// A fault to apply to a <see cref="Cluster.SimulatedCluster"/> with <see cref="Cluster.SimulatedCluster.Apply"/>, or to
/// send as the body of <c>POST /faults</c>. The JSON form names the kind in <c>"kind"</c> (see <see cref="FaultKinds"/>);
/// the other properties are those of the record, in camel case.
/// </summary>
/// <param name="Broker">The broker it applies to (for <see cref="LagFollower"/> the follower's, for <see cref="MoveLeader"/> the new leader).</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(DropProduceResponses), FaultKinds.DropProduceResponses)]
[JsonDerivedType(typeof(DelayResponses), FaultKinds.Delay)]
[JsonDerivedType(typeof(InjectError), FaultKinds.Error)]
[JsonDerivedType(typeof(PauseBroker), FaultKinds.Pause)]
[JsonDerivedType(typeof(CutNetwork), FaultKinds.NetworkCut)]
[JsonDerivedType(typeof(LagFollower), FaultKinds.FollowerLag)]
[JsonDerivedType(typeof(CrashBroker), FaultKinds.Crash)]
[JsonDerivedType(typeof(ShutdownBroker), FaultKinds.Shutdown)]
[JsonDerivedType(typeof(RestartBroker), FaultKinds.Restart)]
[JsonDerivedType(typeof(MoveLeader), FaultKinds.MoveLeader)]
[JsonDerivedType(typeof(HoldTransactionMarkers), FaultKinds.HoldMarkers)]
public abstract record Fault(int Broker)
{
    /// <summary>The kind, as <c>"kind"</c> names it in JSON.</summary>
    [JsonIgnore]
    public abstract string Kind { get; }
}

/// <summary>The <c>"kind"</c> of each <see cref="Fault"/>, and the JSON body each takes.</summary>
public static class FaultKinds
{
    /// <summary><see cref="Control.DropProduceResponses"/>.</summary>
    public const string DropProduceResponses = "drop-produce-responses";

    /// <summary><see cref="DelayResponses"/>.</summary>
    public const string Delay = "delay";

    /// <summary><see cref="InjectError"/>.</summary>
    public const string Error = "error";

    /// <summary><see cref="PauseBroker"/>.</summary>
    public const string Pause = "pause";

    /// <summary><see cref="CutNetwork"/>.</summary>
    public const string NetworkCut = "network-cut";

    /// <summary><see cref="LagFollower"/>.</summary>
    public const string FollowerLag = "follower-lag";

    /// <summary><see cref="CrashBroker"/>.</summary>
    public const string Crash = "crash";

    /// <summary><see cref="ShutdownBroker"/>.</summary>
    public const string Shutdown = "shutdown";

    /// <summary><see cref="RestartBroker"/>.</summary>
    public const string Restart = "restart";

    /// <summary><see cref="Control.MoveLeader"/>.</summary>
    public const string MoveLeader = "move-leader";

    /// <summary><see cref="HoldTransactionMarkers"/>.</summary>
    public const string HoldMarkers = "hold-markers";

    /// <summary>Every kind with an example body, in the order the documentation lists them.</summary>
    public static IReadOnlyList<(string Kind, string Example)> All { get; } =
    [
        (DropProduceResponses, """{"kind":"drop-produce-responses","broker":1,"count":5}"""),
        (Delay, """{"kind":"delay","broker":1,"ms":200,"api":"Produce"} (api optional)"""),
        (Error, """{"kind":"error","broker":1,"api":"Produce","code":19,"count":3,"topic":"t","partition":0} (code or "error":"NOT_ENOUGH_REPLICAS"; topic and partition optional)"""),
        (Pause, """{"kind":"pause","broker":2}"""),
        (NetworkCut, """{"kind":"network-cut","broker":2,"clientId":"my-producer","mode":"blackhole"} (clientId optional: every client; mode blackhole or reset)"""),
        (FollowerLag, """{"kind":"follower-lag","topic":"t","partition":0,"broker":3,"stop":true} (or "ms":500 for a slow follower)"""),
        (Crash, """{"kind":"crash","broker":2}"""),
        (Shutdown, """{"kind":"shutdown","broker":2}"""),
        (Restart, """{"kind":"restart","broker":2}"""),
        (MoveLeader, """{"kind":"move-leader","topic":"t","partition":0,"broker":3}"""),
        (HoldMarkers, """{"kind":"hold-markers","broker":1}"""),
    ];

    /// <summary>The example body of a kind; null for an unknown kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The example.</returns>
    public static string? ExampleOf(string kind) => All.FirstOrDefault(k => k.Kind == kind).Example;
}

/// <summary>
/// Drops the response to the next <paramref name="Count"/> Produce requests after the append, as a network that loses
/// acknowledgements would: the records are in the log, the client times out and retries.
/// </summary>
/// <param name="Broker">The broker.</param>
/// <param name="Count">How many responses to drop (1 or more).</param>
public sealed record DropProduceResponses(int Broker, int Count = 1) : Fault(Broker)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => FaultKinds.DropProduceResponses;
}

/// <summary>Delays every response of the broker (or of one API) by <paramref name="Milliseconds"/>, after the request took effect.</summary>
/// <param name="Broker">The broker.</param>
/// <param name="Milliseconds">How long each response waits, in milliseconds (0 or more). JSON <c>"ms"</c>.</param>
/// <param name="Api">Only responses of this API; null for all.</param>
public sealed record DelayResponses(int Broker, [property: JsonPropertyName("ms")] int Milliseconds, ApiKey? Api = null) : Fault(Broker)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => FaultKinds.Delay;
}

/// <summary>
/// Answers the next <paramref name="Count"/> requests of <paramref name="Api"/> with <paramref name="Error"/> and no
/// effect. In JSON the error is <c>"error"</c> (a name such as NOT_ENOUGH_REPLICAS) or <c>"code"</c> (a number such as 19).
/// </summary>
/// <param name="Broker">The broker.</param>
/// <param name="Error">The error to answer with (not <see cref="KafkaErrorCode.None"/>).</param>
/// <param name="Api">The API to fail: one of <see cref="BrokerFaults.ErrorInjectableApis"/>.</param>
/// <param name="Count">How many requests (or partitions) it hits (1 or more).</param>
/// <param name="Topic">Only this topic; null for any.</param>
/// <param name="Partition">Only this partition; null for any.</param>
public sealed record InjectError(int Broker, KafkaErrorCode Error = KafkaErrorCode.None, ApiKey Api = ApiKey.Produce, int Count = 1, string? Topic = null, int? Partition = null) : Fault(Broker)
{
    /// <summary>The same as <see cref="Error"/>, for JSON bodies that give <c>"code"</c>; reads as null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public KafkaErrorCode? Code
    {
        get => null;
        init
        {
            if (value is { } code)
            {
                Error = code;
            }
        }
    }

    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => FaultKinds.Error;
}

/// <summary>
/// Pauses the broker, like SIGSTOP: nothing is answered and it stops replicating; after the broker session timeout it
/// is fenced. Removing the fault resumes it.
/// </summary>
/// <param name="Broker">The broker.</param>
public sealed record PauseBroker(int Broker) : Fault(Broker)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => FaultKinds.Pause;
}

/// <summary>Cuts the network between clients (all, or those with <paramref name="ClientId"/>) and the broker; replication is not affected.</summary>
/// <param name="Broker">The broker.</param>
/// <param name="ClientId">The client.id to cut off; null for every client.</param>
/// <param name="Mode">Drop requests silently (blackhole) or reset the connections.</param>
public sealed record CutNetwork(int Broker, string? ClientId = null, NetworkCutMode Mode = NetworkCutMode.Blackhole) : Fault(Broker)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => FaultKinds.NetworkCut;
}

/// <summary>
/// Stops a follower (<paramref name="Stop"/>) or makes it copy only batches older than <paramref name="Milliseconds"/>;
/// neither (0 and false) restores it.
/// </summary>
/// <param name="Broker">The follower's broker.</param>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Milliseconds">How far behind the leader's appends it copies, in milliseconds. JSON <c>"ms"</c>.</param>
/// <param name="Stop">True to stop it fetching at all.</param>
public sealed record LagFollower(int Broker, string Topic, int Partition = 0, [property: JsonPropertyName("ms")] int Milliseconds = 0, bool Stop = false) : Fault(Broker)
{
    /// <summary>The same as <see cref="Stop"/>, for JSON bodies that give <c>"stopped"</c>; reads as null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public bool? Stopped
    {
        get => null;
        init
        {
            if (value is { } stopped)
            {
                Stop = stopped;
            }
        }
    }

    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => FaultKinds.FollowerLag;
}

/// <summary>Crashes the broker, like kill -9: its listener closes and its connections are reset; its logs survive.</summary>
/// <param name="Broker">The broker.</param>
public sealed record CrashBroker(int Broker) : Fault(Broker)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => FaultKinds.Crash;
}

/// <summary>Shuts the broker down cleanly, as Kafka's controlled shutdown does: its leaderships move first, then it stops.</summary>
/// <param name="Broker">The broker.</param>
public sealed record ShutdownBroker(int Broker) : Fault(Broker)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => FaultKinds.Shutdown;
}

/// <summary>Restarts a crashed or stopped broker on its port: it rejoins as a follower, truncates and catches up.</summary>
/// <param name="Broker">The broker.</param>
public sealed record RestartBroker(int Broker) : Fault(Broker)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => FaultKinds.Restart;
}

/// <summary>Moves a partition's leadership to <paramref name="Broker"/>, which must be an online in-sync replica.</summary>
/// <param name="Broker">The new leader.</param>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
public sealed record MoveLeader(int Broker, string Topic, int Partition = 0) : Fault(Broker)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => FaultKinds.MoveLeader;
}

/// <summary>
/// Holds the transaction markers the broker writes as a transaction coordinator: a decided transaction stays in
/// PrepareCommit or PrepareAbort, and read_committed consumers wait behind it, until the fault ends or the transactional
/// id moves to another coordinator (a crash of this broker), which writes them.
/// </summary>
/// <param name="Broker">The coordinator's broker.</param>
public sealed record HoldTransactionMarkers(int Broker) : Fault(Broker)
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string Kind => FaultKinds.HoldMarkers;
}
