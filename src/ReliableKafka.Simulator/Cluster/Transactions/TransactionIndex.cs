using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>An aborted transaction in one partition: its producer, its first offset there and its abort marker's offset.</summary>
/// <param name="ProducerId">The transactional producer.</param>
/// <param name="FirstOffset">The offset of its first record in the partition (the marker's own when it wrote none).</param>
/// <param name="LastOffset">The offset of its abort marker.</param>
internal readonly record struct AbortedTransaction(long ProducerId, long FirstOffset, long LastOffset);

/// <summary>A transaction still open in one partition: data written, no marker yet.</summary>
/// <param name="ProducerId">The transactional producer.</param>
/// <param name="FirstOffset">The offset of its first record in the partition; the last stable offset stays at or below it.</param>
internal readonly record struct OpenTransaction(long ProducerId, long FirstOffset);

/// <summary>
/// The transaction state of one replica of one partition, kept from its log as Kafka's ProducerStateManager and
/// transaction index keep it: the open transactions (producer id and first offset), the completed ones whose marker is
/// not yet below the high watermark (they still hold the last stable offset back), and every aborted transaction (what a
/// read_committed fetch returns beside the records). Followers keep it from the batches they copy, so a new leader
/// knows the open transactions; it is rebuilt from the log after a truncation.
/// Not thread-safe: its <see cref="PartitionState"/> serializes access.
/// </summary>
internal sealed class TransactionIndex
{
    private readonly Dictionary<long, long> _open = [];
    private readonly List<(long FirstOffset, long MarkerOffset)> _unreplicated = [];
    private readonly List<AbortedTransaction> _aborted = [];

    /// <summary>The open transactions, oldest first.</summary>
    public IReadOnlyList<OpenTransaction> Open => [.. _open.Select(static p => new OpenTransaction(p.Key, p.Value)).OrderBy(static t => t.FirstOffset)];

    /// <summary>Every aborted transaction, in marker order.</summary>
    public IReadOnlyList<AbortedTransaction> Aborted => _aborted;

    /// <summary>True when <paramref name="producerId"/> has written data of a transaction that has no marker here yet.</summary>
    public bool IsOpen(long producerId) => _open.ContainsKey(producerId);

    /// <summary>Takes an appended (or copied) batch into account.</summary>
    public void Record(StoredBatch batch)
    {
        if (!batch.IsTransactional || batch.ProducerId < 0)
        {
            return;
        }

        if (!batch.IsControl)
        {
            _open.TryAdd(batch.ProducerId, batch.BaseOffset);
            return;
        }

        // As Kafka: a marker for a producer without data here completes an empty transaction that starts at the marker.
        var first = _open.Remove(batch.ProducerId, out var opened) ? opened : batch.BaseOffset;
        _unreplicated.Add((first, batch.LastOffset));
        if (TransactionMarker.TypeOf(batch.Data) == ControlRecordType.Abort)
        {
            _aborted.Add(new AbortedTransaction(batch.ProducerId, first, batch.LastOffset));
        }
    }

    /// <summary>
    /// The last stable offset for <paramref name="highWatermark"/>: the first offset of the oldest transaction that is
    /// open or whose marker the high watermark has not passed yet, and at most the high watermark. read_committed
    /// consumers read below it only.
    /// </summary>
    public long LastStableOffset(long highWatermark)
    {
        _unreplicated.RemoveAll(t => t.MarkerOffset < highWatermark);
        var stable = highWatermark;
        foreach (var first in _open.Values)
        {
            stable = Math.Min(stable, first);
        }

        foreach (var (first, _) in _unreplicated)
        {
            stable = Math.Min(stable, first);
        }

        return stable;
    }

    /// <summary>
    /// The aborted transactions a read_committed fetch from <paramref name="fromOffset"/> that returned records up to
    /// <paramref name="upToExclusive"/> must name (Kafka: the marker at or after the fetch offset, the first offset before the end).
    /// </summary>
    public List<AbortedTransaction> AbortedBetween(long fromOffset, long upToExclusive)
    {
        var result = new List<AbortedTransaction>();
        foreach (var aborted in _aborted)
        {
            if (aborted.LastOffset >= fromOffset && aborted.FirstOffset < upToExclusive)
            {
                result.Add(aborted);
            }
        }

        return result;
    }

    /// <summary>Rebuilds the index from a log (after truncation, or at start from saved logs).</summary>
    public void Rebuild(IEnumerable<StoredBatch> log)
    {
        _open.Clear();
        _unreplicated.Clear();
        _aborted.Clear();
        foreach (var batch in log)
        {
            Record(batch);
        }
    }
}
