namespace ReliableKafka.Simulator.Cluster;

public sealed partial class SimulatedCluster
{
    /// <summary>
    /// A consistent picture of one partition: leadership, ISR, high watermark and every replica's batches, taken at one
    /// instant under the partition's lock, with the ground-truth sequence number at that instant. Checkers compare
    /// replicas with it; nothing in it changes afterwards. Null when the partition does not exist.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition index.</param>
    /// <returns>The picture, or null.</returns>
    public PartitionInspection? Inspect(string topic, int partition) => FindPartition(topic, partition)?.Inspect();
}

/// <summary>One partition at one instant (see <see cref="SimulatedCluster.Inspect"/>).</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition index.</param>
/// <param name="Leader">The leader's broker id, or -1 while offline.</param>
/// <param name="LeaderEpoch">The leader epoch.</param>
/// <param name="Isr">The in-sync replicas.</param>
/// <param name="HighWatermark">The high watermark: offsets below it are committed.</param>
/// <param name="Replicas">Each replica, in assignment order.</param>
/// <param name="TruthSequence">The last ground-truth event sequence number at that instant: this partition's events up to it are reflected here, later ones are not.</param>
/// <param name="LastStableOffset">The last stable offset: read_committed consumers read below it (the high watermark when no transaction is open).</param>
public sealed record PartitionInspection(
    string Topic,
    int Partition,
    int Leader,
    int LeaderEpoch,
    IReadOnlyList<int> Isr,
    long HighWatermark,
    IReadOnlyList<ReplicaInspection> Replicas,
    long TruthSequence,
    long LastStableOffset = -1);

/// <summary>One replica of a partition at one instant.</summary>
/// <param name="Broker">The broker holding it.</param>
/// <param name="Online">False while the broker is down.</param>
/// <param name="LogEndOffset">The offset the next batch gets.</param>
/// <param name="Batches">Its batches, oldest first.</param>
public sealed record ReplicaInspection(int Broker, bool Online, long LogEndOffset, IReadOnlyList<ReplicaBatch> Batches);

/// <summary>A record batch as a replica holds it: its offsets and epoch, its producer fields, and its CRC-32C (over everything but offsets and epoch).</summary>
/// <param name="BaseOffset">The first offset.</param>
/// <param name="LastOffset">The last offset.</param>
/// <param name="LeaderEpoch">The leader epoch that appended it.</param>
/// <param name="ProducerId">The idempotent producer, or -1.</param>
/// <param name="ProducerEpoch">The producer epoch.</param>
/// <param name="BaseSequence">The first producer sequence, or -1.</param>
/// <param name="Crc">The batch's CRC-32C: equal batches on two replicas have equal CRCs.</param>
/// <param name="Kind">Plain records, a transaction's records, or a transaction marker (commit or abort).</param>
public sealed record ReplicaBatch(long BaseOffset, long LastOffset, int LeaderEpoch, long ProducerId, short ProducerEpoch, int BaseSequence, uint Crc, BatchKind Kind = BatchKind.Records);

/// <summary>What a batch holds (<see cref="ReplicaBatch.Kind"/>).</summary>
public enum BatchKind
{
    /// <summary>Records outside any transaction.</summary>
    Records,

    /// <summary>Records of a transaction (attribute bit 4): visible to read_committed consumers once its commit marker is.</summary>
    TransactionalRecords,

    /// <summary>A commit marker (a control batch): the producer's transaction in this partition committed.</summary>
    CommitMarker,

    /// <summary>An abort marker (a control batch): the producer's transaction in this partition aborted.</summary>
    AbortMarker,
}
