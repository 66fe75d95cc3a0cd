namespace ReliableKafka.Audit;

/// <summary>The faults a cluster can apply. A scenario that needs one the cluster lacks is skipped, with the reason.</summary>
[Flags]
public enum FaultCapabilities
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>Stop a broker and start it again (however the cluster stops one).</summary>
    StopStart = 1,

    /// <summary>Crash a broker without a clean shutdown (SIGKILL).</summary>
    Crash = 2,

    /// <summary>Shut a broker down cleanly: its leaderships are moved away first.</summary>
    CleanShutdown = 4,

    /// <summary>Stop a follower copying from its leader, so it lags and leaves the ISR.</summary>
    FollowerLag = 8,

    /// <summary>Drop Produce responses after the append.</summary>
    DropProduceResponses = 16,

    /// <summary>Cut the network between a client (matched by client.id) and a broker.</summary>
    NetworkCut = 32,

    /// <summary>Report a partition's leader, replicas and ISR.</summary>
    Describe = 64,

    /// <summary>Create topics with unclean.leader.election.enable=true.</summary>
    UncleanElection = 128,

    /// <summary>Hold the transaction markers of a transactional id's coordinator (decided, not yet visible).</summary>
    HoldTransactionMarkers = 256,
}
