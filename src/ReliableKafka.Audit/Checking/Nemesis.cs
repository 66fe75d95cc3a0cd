using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Faults;

namespace ReliableKafka.Audit.Checking;

/// <summary>Carries out the cluster actions of a schedule step; shared by every checker.</summary>
internal static class Nemesis
{
    /// <summary>Applies one step; false when the cluster refused it (not an error: the nemesis asked for something impossible now).</summary>
    public static bool Act(SimulatedCluster cluster, NemesisAction action, List<FaultHandle> held)
    {
        switch (action)
        {
            case ApplyFault apply:
                try
                {
                    var handle = cluster.Apply(apply.Fault);
                    if (handle.IsActive)
                    {
                        held.Add(handle);
                    }

                    return true;
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    return false;
                }

            case CrashLeader crash:
                var leader = cluster.Inspect(crash.Topic, crash.Partition)?.Leader ?? -1;
                if (leader < 0)
                {
                    return false;
                }

                cluster.CrashBroker(leader);
                return true;

            case CrashCoordinator crashCoordinator:
                var coordinator = cluster.CoordinatorOf(crashCoordinator.TransactionalId);
                if (coordinator < 0)
                {
                    return false;
                }

                cluster.CrashBroker(coordinator);
                return true;

            case StopFollowers stop:
                var partition = cluster.Inspect(stop.Topic, stop.Partition);
                if (partition is null || partition.Leader < 0)
                {
                    return false;
                }

                foreach (var follower in partition.Replicas.Where(r => r.Broker != partition.Leader))
                {
                    held.Add(cluster.Apply(new LagFollower(follower.Broker, stop.Topic, stop.Partition, Stop: true)));
                }

                return true;

            case HealFault heal:
                held.RemoveAll(static h => !h.IsActive);
                if (held.Count == 0)
                {
                    return false;
                }

                var index = heal.Pick % held.Count;
                held[index].Remove();
                held.RemoveAt(index);
                return true;

            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown nemesis action.");
        }
    }
}
