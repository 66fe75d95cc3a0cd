namespace ReliableKafka.Audit;

/// <summary>The ids of the audit's scenarios, each a fault schedule applied while the workload runs.</summary>
public static class ScenarioIds
{
    /// <summary>Produce responses dropped after the append: the client times out and retries.</summary>
    public const string LostAcks = "lost-acks";

    /// <summary>The leader crashes (no clean shutdown) while its followers lag behind it.</summary>
    public const string LeaderCrash = "leader-crash";

    /// <summary>The leader shuts down cleanly: leadership is moved away first.</summary>
    public const string CleanShutdown = "clean-shutdown";

    /// <summary>Every broker is stopped and started again, one at a time.</summary>
    public const string RollingRestart = "rolling-restart";

    /// <summary>Followers stop so the ISR falls below min.insync.replicas, then come back.</summary>
    public const string IsrBelowMin = "isr-below-min";

    /// <summary>All brokers are down for longer than the delivery timeout, then come back.</summary>
    public const string ClusterOutage = "cluster-outage";

    /// <summary>The network between the producer and a leader is cut, then restored.</summary>
    public const string NetworkCut = "network-cut";

    /// <summary>Unclean leader election is on and a lagging follower becomes leader.</summary>
    public const string UncleanElection = "unclean-election";

    /// <summary>A few messages larger than the topic accepts: dead-lettered, not lost.</summary>
    public const string Oversized = "oversized";

    /// <summary>Transactions: the coordinator crashes after deciding a commit and before writing its markers.</summary>
    public const string CoordinatorCrash = "coordinator-crash";

    /// <summary>Transactions: a second instance with the same transactional.id fences the running producer.</summary>
    public const string ZombieProducer = "zombie-producer";

    /// <summary>Every scenario, in report order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [LostAcks, LeaderCrash, CleanShutdown, RollingRestart, IsrBelowMin, ClusterOutage, NetworkCut, UncleanElection, Oversized, CoordinatorCrash, ZombieProducer];

    /// <summary>The scenarios of the quick matrix.</summary>
    public static IReadOnlyList<string> Quick { get; } = [LostAcks, LeaderCrash];
}
