namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// One record batch as a replica stores it: the raw v2 bytes (base offset and leader epoch already patched) and the
/// header fields the broker reasons about. Replicas share the same bytes: they are never written after the append.
/// </summary>
internal sealed record StoredBatch(
    long BaseOffset,
    long LastOffset,
    int LeaderEpoch,
    long ProducerId,
    short ProducerEpoch,
    int BaseSequence,
    int LastSequence,
    ReadOnlyMemory<byte> Data,
    DateTimeOffset AppendedAt)
{
    /// <summary>Number of offsets the batch covers.</summary>
    public long Count => LastOffset - BaseOffset + 1;

    /// <summary>True when the batch came from an idempotent producer.</summary>
    public bool IsIdempotent => ProducerId >= 0;

    /// <summary>True when the batch belongs to a transaction (attribute bit 4): data or a marker.</summary>
    public bool IsTransactional => (Attributes & Protocol.RecordBatch.TransactionalFlag) != 0;

    /// <summary>True for a control batch (attribute bit 5): a transaction marker.</summary>
    public bool IsControl => (Attributes & Protocol.RecordBatch.ControlFlag) != 0;

    private short Attributes => System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(Data.Span[Protocol.RecordBatch.AttributesOffset..]);
}
