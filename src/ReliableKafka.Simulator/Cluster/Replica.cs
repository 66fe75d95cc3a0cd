namespace ReliableKafka.Simulator.Cluster;

/// <summary>One broker's copy of a partition, and what the leader knows of it as a follower.</summary>
internal sealed class Replica(int brokerId)
{
    public int BrokerId { get; } = brokerId;

    public ReplicaLog Log { get; } = new();

    public ProducerStateTable Producers { get; } = new();

    /// <summary>The transactions open in this replica's log, and the aborted ones (read_committed reads).</summary>
    public TransactionIndex Transactions { get; } = new();

    /// <summary>False while its broker is down.</summary>
    public bool Online { get; set; } = true;

    /// <summary>When this follower last reached the leader's log end offset.</summary>
    public DateTimeOffset LastCaughtUp { get; set; }

    /// <summary>Set when leadership changed or the broker restarted: the next fetch first truncates to the leader's epoch end.</summary>
    public bool MustCheckDivergence { get; set; }

    /// <summary>How far behind the leader's appends this follower copies (a slow follower). Zero by default.</summary>
    public TimeSpan ReplicationDelay { get; set; }

    /// <summary>When true, the follower fetches nothing (a stopped follower).</summary>
    public bool ReplicationStopped { get; set; }

    /// <summary>Takes a batch just added to <see cref="Log"/> into the producer and transaction state.</summary>
    public void Track(StoredBatch batch)
    {
        Producers.Record(batch);
        Transactions.Record(batch);
    }

    /// <summary>Rebuilds the producer and transaction state from <see cref="Log"/> (after a truncation or a restore).</summary>
    public void RebuildState()
    {
        Producers.Rebuild(Log.Batches);
        Transactions.Rebuild(Log.Batches);
    }
}
