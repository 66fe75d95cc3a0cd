namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// The log of one replica of one partition: batches in offset order plus its <see cref="LeaderEpochCache"/>, which
/// truncation after an election relies on.
/// Not thread-safe: its <see cref="PartitionState"/> serializes access.
/// </summary>
internal sealed class ReplicaLog
{
    private readonly List<StoredBatch> _batches = [];

    /// <summary>The first offset still in the log.</summary>
    public long LogStartOffset { get; private set; }

    /// <summary>The offset the next batch gets (LEO).</summary>
    public long LogEndOffset => _batches.Count == 0 ? LogStartOffset : _batches[^1].LastOffset + 1;

    /// <summary>Bytes held.</summary>
    public long SizeInBytes { get; private set; }

    /// <summary>The batches, oldest first.</summary>
    public IReadOnlyList<StoredBatch> Batches => _batches;

    /// <summary>The leader-epoch cache: the epochs that wrote to (or, on a leader, took over) this log.</summary>
    public LeaderEpochCache Epochs { get; } = new();

    /// <summary>The newest leader epoch recorded in this log, or -1.</summary>
    public int LatestEpoch => Epochs.LatestEpoch;

    /// <summary>Appends a batch whose base offset is the current log end offset.</summary>
    public void Append(StoredBatch batch)
    {
        if (batch.BaseOffset != LogEndOffset)
        {
            throw new InvalidOperationException($"Batch at {batch.BaseOffset} does not follow the log end offset {LogEndOffset}.");
        }

        if (batch.LeaderEpoch >= 0)
        {
            Epochs.Assign(batch.LeaderEpoch, batch.BaseOffset);
        }

        _batches.Add(batch);
        SizeInBytes += batch.Data.Length;
    }

    /// <summary>Where <paramref name="epoch"/> ends in this log (see <see cref="LeaderEpochCache.EndOffsetFor"/>).</summary>
    public EpochEndOffset EndOffsetForEpoch(int epoch) => Epochs.EndOffsetFor(epoch, LogEndOffset);

    /// <summary>Removes every batch at or after <paramref name="offset"/> and returns them.</summary>
    public IReadOnlyList<StoredBatch> TruncateTo(long offset)
    {
        var index = _batches.FindIndex(b => b.LastOffset >= offset);
        if (index < 0)
        {
            // Nothing to cut, but as in Kafka the epoch cache is still cut at the log end: a broker that was elected
            // and appended nothing keeps an entry there that would otherwise stall the next divergence check.
            Epochs.TruncateFromEnd(LogEndOffset);
            return [];
        }

        if (_batches[index].BaseOffset < offset)
        {
            // Batches are atomic: a partial batch goes entirely.
            offset = _batches[index].BaseOffset;
        }

        var removed = _batches.GetRange(index, _batches.Count - index);
        _batches.RemoveRange(index, removed.Count);
        SizeInBytes -= removed.Sum(static b => (long)b.Data.Length);
        Epochs.TruncateFromEnd(offset);
        return removed;
    }

    /// <summary>
    /// Batches from the one containing <paramref name="fromOffset"/>, stopping before <paramref name="maxOffsetExclusive"/>
    /// and once <paramref name="maxBytes"/> is reached (at least one batch is returned when any qualifies).
    /// </summary>
    public List<StoredBatch> Read(long fromOffset, long maxOffsetExclusive, int maxBytes)
    {
        var result = new List<StoredBatch>();
        var index = FindBatchIndex(fromOffset);
        var bytes = 0;
        for (var i = index; i >= 0 && i < _batches.Count; i++)
        {
            var batch = _batches[i];
            if (batch.LastOffset >= maxOffsetExclusive || (result.Count > 0 && bytes + batch.Data.Length > maxBytes))
            {
                break;
            }

            result.Add(batch);
            bytes += batch.Data.Length;
        }

        return result;
    }

    /// <summary>Index of the batch that contains <paramref name="offset"/> (or the first after it); -1 when none.</summary>
    private int FindBatchIndex(long offset)
    {
        int low = 0, high = _batches.Count - 1, found = -1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            if (_batches[mid].LastOffset >= offset)
            {
                found = mid;
                high = mid - 1;
            }
            else
            {
                low = mid + 1;
            }
        }

        return found;
    }
}
