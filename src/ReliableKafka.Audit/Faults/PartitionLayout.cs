namespace ReliableKafka.Audit;

/// <summary>A partition's leader, replicas and in-sync replicas.</summary>
/// <param name="Partition">The partition.</param>
/// <param name="Leader">The leader's broker id, or -1 when offline.</param>
/// <param name="Replicas">The replicas, in preference order.</param>
/// <param name="Isr">The in-sync replicas.</param>
public sealed record PartitionLayout(int Partition, int Leader, IReadOnlyList<int> Replicas, IReadOnlyList<int> Isr)
{
    /// <summary>Each replica's log end offset, when the cluster shows them (the simulator); null otherwise.</summary>
    public IReadOnlyDictionary<int, long>? LogEndOffsets { get; init; }
}
