using CsCheck;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Faults;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Audit.Checking;

/// <summary>What the nemesis does at one step of a schedule.</summary>
public abstract record NemesisAction;

/// <summary>Applies a fault (any of the simulator's fault kinds).</summary>
/// <param name="Fault">The fault.</param>
public sealed record ApplyFault(Fault Fault) : NemesisAction
{
    /// <inheritdoc/>
    public override string ToString() => Fault switch
    {
        LagFollower lag => $"{Fault.Kind} broker {lag.Broker} {lag.Topic}[{lag.Partition}] {(lag.Stop ? "stop" : $"{lag.Milliseconds} ms")}",
        MoveLeader move => $"{Fault.Kind} to broker {move.Broker} {move.Topic}[{move.Partition}]",
        DropProduceResponses drop => $"{Fault.Kind} broker {drop.Broker} x{drop.Count}",
        DelayResponses delay => $"{Fault.Kind} broker {delay.Broker} {delay.Milliseconds} ms {(delay.Api is { } api ? api.ToString() : "all APIs")}",
        InjectError error => $"{Fault.Kind} broker {error.Broker} {error.Api} {error.Error} x{error.Count}",
        CutNetwork cut => $"{Fault.Kind} broker {cut.Broker} {cut.Mode} {cut.ClientId ?? "all clients"}",
        _ => $"{Fault.Kind} broker {Fault.Broker}",
    };
}

/// <summary>Ends one of the faults in force (a paused broker resumes, a lagging follower catches up, a cut heals).</summary>
/// <param name="Pick">Which one: its index, modulo the number in force; nothing when none is.</param>
public sealed record HealFault(int Pick) : NemesisAction
{
    /// <inheritdoc/>
    public override string ToString() => $"heal fault #{Pick}";
}

/// <summary>Crashes whichever broker leads the partition when the step runs (nothing while it is offline).</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
public sealed record CrashLeader(string Topic, int Partition) : NemesisAction
{
    /// <inheritdoc/>
    public override string ToString() => $"crash the leader of {Topic}[{Partition}]";
}

/// <summary>
/// Stops every follower of the partition fetching (as the leader is when the step runs), so the ISR shrinks to the
/// leader; a crash of the leader then leaves the partition offline, or elects a follower uncleanly where the topic allows it.
/// </summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
public sealed record StopFollowers(string Topic, int Partition) : NemesisAction
{
    /// <inheritdoc/>
    public override string ToString() => $"stop the followers of {Topic}[{Partition}]";
}

/// <summary>Crashes whichever broker coordinates the transactional id when the step runs (a coordinator crash, mid-commit or not).</summary>
/// <param name="TransactionalId">The transactional id.</param>
public sealed record CrashCoordinator(string TransactionalId) : NemesisAction
{
    /// <inheritdoc/>
    public override string ToString() => $"crash the coordinator of {TransactionalId}";
}

/// <summary>One step: wait, then act.</summary>
/// <param name="AfterMilliseconds">How long the workload runs before the action.</param>
/// <param name="Action">The action.</param>
public sealed record CheckStep(int AfterMilliseconds, NemesisAction Action)
{
    /// <inheritdoc/>
    public override string ToString() => $"+{AfterMilliseconds} ms {Action}";
}

/// <summary>A fault schedule: the steps the nemesis takes while the workload runs; everything is healed after the last.</summary>
/// <param name="Steps">The steps, in order.</param>
public sealed record CheckSchedule(IReadOnlyList<CheckStep> Steps)
{
    /// <inheritdoc/>
    public override string ToString() => string.Join("; ", Steps);
}

/// <summary>The cluster and topics a check runs on, and the generator of its fault schedules.</summary>
public static class CheckTopology
{
    /// <summary>Brokers in the cluster (ids 1 to 3).</summary>
    public const int Brokers = 3;

    /// <summary>The cluster every checker starts: three brokers, no automatic topics, a follower out of the ISR after 500 ms, a silent broker fenced after 1 s.</summary>
    public static SimulatedClusterOptions ClusterOptions => new()
    {
        Brokers = Brokers,
        AutoCreateTopics = false,
        ReplicaLagTimeMax = TimeSpan.FromMilliseconds(500),
        BrokerSessionTimeout = TimeSpan.FromSeconds(1),
    };

    /// <summary>Replication factor 3, min.insync.replicas 2, unclean election off: acknowledged writes must survive.</summary>
    public const string SafeTopic = "checked";

    /// <summary>Replication factor 3, min.insync.replicas 1, unclean election on: losses only with a recorded unclean election.</summary>
    public const string UncleanTopic = "checked-unclean";

    /// <summary>Partitions of <see cref="SafeTopic"/>.</summary>
    public const int SafePartitions = 2;

    /// <summary>Replication factor 3, min.insync.replicas 2: the topic a transactional producer writes and a read_committed consumer reads.</summary>
    public const string TransactionalTopic = "checked-txn";

    /// <summary>Partitions of <see cref="TransactionalTopic"/>: every transaction writes to each.</summary>
    public const int TransactionalPartitions = 2;

    /// <summary>The transactional.id of the workload's transactional producer.</summary>
    public const string TransactionalId = "check-txn";

    /// <summary>The client ids the workload uses (a network cut can single one out).</summary>
    public static IReadOnlyList<string> ClientIds { get; } =
        ["check-idempotent", "check-acks-all", "check-acks-1", "check-acks-0", "check-unclean", "check-group", "check-reader", "check-txn", "check-txn-reader"];

    private static readonly (string Topic, int Partition)[] Targets = [(SafeTopic, 0), (SafeTopic, 1), (UncleanTopic, 0), (TransactionalTopic, 0), (TransactionalTopic, 1)];

    private static readonly KafkaErrorCode[] TransactionErrors =
        [KafkaErrorCode.NotCoordinator, KafkaErrorCode.CoordinatorNotAvailable, KafkaErrorCode.ConcurrentTransactions, KafkaErrorCode.CoordinatorLoadInProgress];

    private static readonly KafkaErrorCode[] Errors =
        [KafkaErrorCode.NotLeaderOrFollower, KafkaErrorCode.NotEnoughReplicas, KafkaErrorCode.RequestTimedOut, KafkaErrorCode.LeaderNotAvailable];

    private static readonly Gen<int> Broker = Gen.Int[1, Brokers];

    /// <summary>Every fault kind the simulator has, weighted towards the ones that move leadership.</summary>
    public static Gen<Fault> Faults { get; } = FaultsOn(Targets, ClientIds);

    /// <summary>Schedules of 1 to 10 steps, 20 to 800 ms apart; shrinking makes them shorter, sparser and simpler.</summary>
    public static Gen<CheckSchedule> Schedules { get; } = SchedulesOn(Targets, ClientIds);

    /// <summary>
    /// Every fault kind the simulator has on a three-broker cluster, aimed at <paramref name="targets"/> (partitions a
    /// fault names) and <paramref name="clientIds"/> (clients a network cut can single out), weighted towards the ones
    /// that move leadership. The one fault generator of every checker.
    /// </summary>
    /// <param name="targets">The partitions faults may name.</param>
    /// <param name="clientIds">The client ids a network cut may name.</param>
    /// <returns>The generator.</returns>
    public static Gen<Fault> FaultsOn(IReadOnlyList<(string Topic, int Partition)> targets, IReadOnlyList<string> clientIds)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(clientIds);
        var target = Gen.OneOf([.. targets]);
        return Gen.Frequency(
            (3, Broker.Select(static b => (Fault)new CrashBroker(b))),
            (3, Broker.Select(static b => (Fault)new RestartBroker(b))),
            (1, Broker.Select(static b => (Fault)new ShutdownBroker(b))),
            (1, Broker.Select(static b => (Fault)new PauseBroker(b))),
            (2, Gen.Select(Broker, target, static (b, t) => (Fault)new MoveLeader(b, t.Topic, t.Partition))),
            (2, Gen.Select(Broker, target, Gen.Int[0, 1500], Gen.Bool, static (b, t, ms, stop) => (Fault)new LagFollower(b, t.Topic, t.Partition, stop ? 0 : ms, stop))),
            (2, Gen.Select(Broker, Gen.Int[1, 3], static (b, count) => (Fault)new DropProduceResponses(b, count))),
            (1, Gen.Select(Broker, Gen.Int[20, 400], Gen.OneOf<ApiKey?>(ApiKey.Produce, ApiKey.Fetch, null), static (b, ms, api) => (Fault)new DelayResponses(b, ms, api))),
            (2, Gen.Select(Broker, Gen.OneOf(Errors), Gen.OneOf(ApiKey.Produce, ApiKey.Fetch), Gen.Int[1, 3], static (b, error, api, count) => (Fault)new InjectError(b, error, api, count))),
            (1, Gen.Select(Broker, Gen.OneOf<string?>([null, .. clientIds]), Gen.OneOf(NetworkCutMode.Blackhole, NetworkCutMode.Reset), static (b, client, mode) => (Fault)new CutNetwork(b, client, mode))),
            (1, Broker.Select(static b => (Fault)new HoldTransactionMarkers(b))),
            (1, Gen.Select(Broker, Gen.OneOf(TransactionErrors), Gen.OneOf(ApiKey.AddPartitionsToTxn, ApiKey.EndTxn), Gen.Int[1, 3], static (b, error, api, count) => (Fault)new InjectError(b, error, api, count))));
    }

    /// <summary>The cluster actions of a schedule step on <paramref name="targets"/>: faults, leader crashes, stopped followers, heals.</summary>
    /// <param name="targets">The partitions actions may name.</param>
    /// <param name="clientIds">The client ids a network cut may name.</param>
    /// <returns>The generator.</returns>
    public static Gen<NemesisAction> ActionsOn(IReadOnlyList<(string Topic, int Partition)> targets, IReadOnlyList<string> clientIds)
    {
        var target = Gen.OneOf([.. targets]);
        return Gen.Frequency(
            (6, FaultsOn(targets, clientIds).Select(static f => (NemesisAction)new ApplyFault(f))),
            (2, target.Select(static t => (NemesisAction)new CrashLeader(t.Topic, t.Partition))),
            (1, target.Select(static t => (NemesisAction)new StopFollowers(t.Topic, t.Partition))),
            (1, Gen.Const((NemesisAction)new CrashCoordinator(TransactionalId))),
            (2, Gen.Int[0, 7].Select(static pick => (NemesisAction)new HealFault(pick))));
    }

    private static Gen<CheckSchedule> SchedulesOn(IReadOnlyList<(string Topic, int Partition)> targets, IReadOnlyList<string> clientIds) =>
        Gen.Select(Gen.Int[20, 800], ActionsOn(targets, clientIds), static (ms, action) => new CheckStep(ms, action))
            .List[1, 10]
            .Select(static steps => new CheckSchedule(steps));
}
