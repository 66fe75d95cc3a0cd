using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Faults;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>The faults of the cluster: <see cref="Apply"/> and the broker and partition actions it calls.</summary>
public sealed partial class SimulatedCluster
{
    /// <summary>
    /// Applies a fault. Faults that last (dropped responses, delays, injected errors, a pause, a network cut, a lagging
    /// follower) return a handle that ends them; actions that take effect at once (crash, shutdown, restart, leader move)
    /// return a handle that is already inactive.
    /// </summary>
    /// <param name="fault">The fault.</param>
    /// <returns>Its handle.</returns>
    /// <exception cref="ArgumentException">A value is out of range: no such broker, a count below 1, an API or error that cannot be injected.</exception>
    /// <exception cref="InvalidOperationException">The cluster cannot do it now: no such partition, or a new leader that is not an online in-sync replica.</exception>
    public FaultHandle Apply(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        // A leader move names a broker that may not exist: the partition answers that it is no in-sync replica.
        if (fault is not Control.MoveLeader && !_brokers.ContainsKey(fault.Broker))
        {
            throw Rejected(fault, $"there is no broker {fault.Broker}; brokers are {string.Join(", ", BrokerIds)}");
        }

        BrokerFaults Faults() => _brokers[fault.Broker].Faults;
        switch (fault)
        {
            case DropProduceResponses drop:
                return Faults().DropProduceResponses(AtLeast(fault, "count", drop.Count, 1));
            case DelayResponses delay:
                return Faults().Delay(TimeSpan.FromMilliseconds(AtLeast(fault, "ms", delay.Milliseconds, 0)), delay.Api);
            case InjectError error:
                if (!BrokerFaults.ErrorInjectableApis.Contains(error.Api))
                {
                    throw Rejected(fault, $"\"api\" {error.Api} cannot be failed here; use one of {string.Join(", ", BrokerFaults.ErrorInjectableApis)}");
                }

                if (error.Error == KafkaErrorCode.None)
                {
                    throw Rejected(fault, "give \"code\" (such as 19) or \"error\" (such as NOT_ENOUGH_REPLICAS)");
                }

                return Faults().InjectError(error.Api, error.Error, AtLeast(fault, "count", error.Count, 1), error.Topic, error.Partition);
            case PauseBroker:
                return Faults().Pause();
            case HoldTransactionMarkers:
                return Faults().HoldTransactionMarkers();
            case CutNetwork cut:
                return Faults().CutNetwork(cut.ClientId, cut.Mode);
            case LagFollower lag:
                return SetFollowerLag(lag.Topic, AtLeast(fault, "partition", lag.Partition, 0), lag.Broker, TimeSpan.FromMilliseconds(AtLeast(fault, "ms", lag.Milliseconds, 0)), lag.Stop);
            case Control.CrashBroker:
                CrashBroker(fault.Broker);
                return FaultHandle.Completed(fault.Kind, fault.Broker, $"crash broker {fault.Broker}");
            case Control.ShutdownBroker:
                ShutdownBroker(fault.Broker);
                return FaultHandle.Completed(fault.Kind, fault.Broker, $"shut broker {fault.Broker} down cleanly");
            case Control.RestartBroker:
                RestartBroker(fault.Broker);
                return FaultHandle.Completed(fault.Kind, fault.Broker, $"restart broker {fault.Broker}");
            case MoveLeader move:
                MoveLeader(move.Topic, move.Partition, move.Broker);
                return FaultHandle.Completed(fault.Kind, fault.Broker, $"move the leadership of {move.Topic}[{move.Partition}] to broker {move.Broker}");
            default:
                throw new ArgumentException($"Unknown fault {fault.GetType().Name}.", nameof(fault));
        }
    }

    /// <summary>Crashes a broker: its listener closes and its connections are reset; its logs survive.</summary>
    /// <param name="brokerId">The broker.</param>
    public void CrashBroker(int brokerId) => StopBroker(brokerId, BrokerStateChange.Crashed, "crashed");

    /// <summary>
    /// Shuts a broker down cleanly, as Kafka's controlled shutdown does: each partition it leads first moves to another
    /// online in-sync replica (in-flight acks=all requests there get NOT_LEADER_OR_FOLLOWER and are retried by clients),
    /// then it leaves the ISRs and stops. A partition with no other in-sync replica goes offline, as in Kafka.
    /// </summary>
    /// <param name="brokerId">The broker.</param>
    public void ShutdownBroker(int brokerId)
    {
        var broker = _brokers[brokerId];
        if (!broker.IsUp)
        {
            return;
        }

        foreach (var partition in AllPartitions())
        {
            partition.MoveLeadershipAway(brokerId, "controlled shutdown", b => _brokers[b].IsServing);
        }

        NotifyHighWatermarkChanged();
        StopBroker(brokerId, BrokerStateChange.ShutDown, "shut down cleanly (leadership moved first)");
    }

    /// <summary>Restarts a crashed broker on the same port: it rejoins as a follower, truncates and catches up.</summary>
    /// <param name="brokerId">The broker.</param>
    public void RestartBroker(int brokerId)
    {
        var broker = _brokers[brokerId];
        if (broker.IsUp)
        {
            return;
        }

        broker.Start();
        AddBrokerState(brokerId, BrokerStateChange.Restarted, "restarted");
        foreach (var partition in AllPartitions())
        {
            partition.OnBrokerUp(brokerId);
        }

        Signal();
    }

    /// <summary>The faults of one broker: dropped responses, delays, injected errors, pause, network cuts.</summary>
    /// <param name="brokerId">The broker.</param>
    /// <returns>Its fault plan.</returns>
    public BrokerFaults FaultsOf(int brokerId) => _brokers[brokerId].Faults;

    /// <summary>Every fault in force on every broker, follower lags included.</summary>
    public IReadOnlyList<FaultHandle> ActiveFaults =>
        [.. _brokers.Values.SelectMany(static b => b.Faults.Active), .. _followerLags.Values.Where(static h => h.IsActive)];

    /// <summary>Ends every fault (paused brokers resume, lagging followers catch up). Crashed brokers stay down.</summary>
    /// <returns>How many faults were in force.</returns>
    public int ClearFaults()
    {
        var active = ActiveFaults;
        foreach (var handle in active)
        {
            handle.Remove();
        }

        return active.Count;
    }

    /// <summary>
    /// Makes a follower slow (it copies only batches older than <paramref name="delay"/>) or stops it; the ISR then
    /// shrinks after <see cref="SimulatedClusterOptions.ReplicaLagTimeMax"/>. Removing the returned fault (or zero and
    /// false) restores it.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="brokerId">The follower's broker.</param>
    /// <param name="delay">How far behind the leader's appends it copies.</param>
    /// <param name="stopped">True to stop it fetching at all.</param>
    /// <returns>The fault (inactive when the lag was set to none).</returns>
    /// <exception cref="InvalidOperationException">The partition does not exist or the broker holds no replica of it.</exception>
    public FaultHandle SetFollowerLag(string topic, int partition, int brokerId, TimeSpan delay, bool stopped)
    {
        var state = FindPartition(topic, partition) ?? throw new InvalidOperationException($"{topic}[{partition}] does not exist.");
        if (!state.ReplicaIds.Contains(brokerId))
        {
            throw new InvalidOperationException($"Broker {brokerId} holds no replica of {topic}[{partition}] (replicas {string.Join(",", state.ReplicaIds)}).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var replica = state.ReplicaOf(brokerId);
        var key = (topic, partition, brokerId);
        if (_followerLags.TryRemove(key, out var previous))
        {
            previous.Remove();
        }

        replica.ReplicationDelay = delay;
        replica.ReplicationStopped = stopped;
        Signal();
        var handle = new FaultHandle(FaultKinds.FollowerLag, brokerId,
            stopped ? $"stop follower {brokerId} of {topic}[{partition}]" : $"follower {brokerId} of {topic}[{partition}] copies {delay.TotalMilliseconds:0} ms behind",
            count: null,
            remove: h =>
            {
                _followerLags.TryRemove(new KeyValuePair<(string, int, int), FaultHandle>(key, h));
                replica.ReplicationDelay = TimeSpan.Zero;
                replica.ReplicationStopped = false;
                Signal();
            });
        if (!stopped && delay == TimeSpan.Zero)
        {
            handle.Remove();
            return handle;
        }

        _followerLags[key] = handle;
        return handle;
    }

    /// <summary>Moves a partition's leadership to an in-sync replica.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="brokerId">The new leader.</param>
    /// <exception cref="InvalidOperationException">The partition does not exist or the broker is not an online in-sync replica.</exception>
    public void MoveLeader(string topic, int partition, int brokerId)
    {
        var state = FindPartition(topic, partition) ?? throw new InvalidOperationException($"{topic}[{partition}] does not exist.");
        if (state.MoveLeader(brokerId) != KafkaErrorCode.None)
        {
            throw new InvalidOperationException($"Broker {brokerId} is not an online in-sync replica of {topic}[{partition}] (ISR {string.Join(",", state.Isr)}).");
        }
    }

    /// <summary>A broker was paused or resumed: fence it after the session timeout; unfence it when it resumes.</summary>
    internal void OnBrokerPauseChanged(int brokerId, bool paused)
    {
        var broker = _brokers[brokerId];
        if (paused)
        {
            AddBrokerState(brokerId, BrokerStateChange.Paused, "paused");
            _ = FenceIfStillPausedAsync(broker);
            return;
        }

        AddBrokerState(brokerId, BrokerStateChange.Resumed, "resumed");
        if (broker.IsFenced && broker.IsUp)
        {
            broker.IsFenced = false;
            AddBrokerState(brokerId, BrokerStateChange.Unfenced, "unfenced: rejoins as a follower");
            foreach (var partition in AllPartitions())
            {
                partition.OnBrokerUp(brokerId);
            }
        }

        broker.IsFenced = false;
        Handler.Groups.Wake();
        Signal();
    }

    private static ArgumentException Rejected(Fault fault, string what) => new($"Fault '{fault.Kind}': {what}.");

    private static int AtLeast(Fault fault, string name, int value, int minimum) =>
        value >= minimum ? value : throw Rejected(fault, $"\"{name}\" must be {minimum} or more, not {value}");

    private void AddBrokerState(int brokerId, BrokerStateChange change, string detail) =>
        Truth.Add(TruthEventKind.BrokerStateChanged, null, -1, brokerId, detail: detail, typed: e => e with { BrokerState = change });

    private void StopBroker(int brokerId, BrokerStateChange change, string how)
    {
        var broker = _brokers[brokerId];
        if (!broker.IsUp)
        {
            return;
        }

        broker.Stop();
        broker.IsFenced = false;
        AddBrokerState(brokerId, change, how);
        foreach (var partition in AllPartitions())
        {
            partition.OnBrokerDown(brokerId);
        }

        // A stopped process is no longer paused: a restart starts it fresh.
        foreach (var pause in broker.Faults.Active.Where(static f => f.Kind == FaultKinds.Pause))
        {
            pause.Remove();
        }

        NotifyHighWatermarkChanged();
    }

    private async Task FenceIfStillPausedAsync(BrokerNode broker)
    {
        try
        {
            await Task.Delay(_options.BrokerSessionTimeout, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (!broker.Faults.IsPaused || !broker.IsUp || broker.IsFenced)
        {
            return;
        }

        var groups = Handler.Groups;
        var coordinated = groups.GroupIds().Where(g => Handler.CoordinatorOf(g) == broker.Id).ToHashSet(StringComparer.Ordinal);
        broker.IsFenced = true;
        AddBrokerState(broker.Id, BrokerStateChange.Fenced,
            $"fenced: paused longer than broker.session.timeout.ms ({_options.BrokerSessionTimeout.TotalMilliseconds:0} ms)");
        foreach (var partition in AllPartitions())
        {
            partition.OnBrokerFenced(broker.Id);
        }

        // Its groups move to other coordinators, which load them with fresh member sessions.
        groups.OnGroupsLoaded(coordinated.Contains);
        NotifyHighWatermarkChanged();
    }
}
