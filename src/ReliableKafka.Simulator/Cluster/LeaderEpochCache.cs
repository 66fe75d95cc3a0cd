namespace ReliableKafka.Simulator.Cluster;

/// <summary>The answer to "where does this epoch end?" (OffsetForLeaderEpoch): an epoch and its end offset, or undefined.</summary>
/// <param name="Epoch">The largest epoch known that is at most the one asked for, or -1 when none can be named.</param>
/// <param name="EndOffset">The start offset of the next higher epoch (or the log end offset for the latest), or -1.</param>
internal readonly record struct EpochEndOffset(int Epoch, long EndOffset)
{
    /// <summary>Neither epoch nor offset is known.</summary>
    public static EpochEndOffset Undefined => new(-1, -1);

    /// <summary>True when the answer names neither an epoch nor an offset.</summary>
    public bool IsUndefined => EndOffset < 0;
}

/// <summary>
/// One replica's leader-epoch cache, as Kafka keeps it: for each leader epoch that wrote to (or took over) the log, the
/// first offset it owns. Entries grow strictly in epoch and in start offset. A leader records its epoch at its log end
/// offset when it is elected; a follower records the epochs of the batches it copies. KIP-101 and KIP-279 truncation
/// after an election, and consumers' KIP-320 truncation detection, ask it where an epoch ends.
/// Not thread-safe: its <see cref="PartitionState"/> serializes access.
/// </summary>
internal sealed class LeaderEpochCache
{
    private readonly List<(int Epoch, long StartOffset)> _entries = [];

    /// <summary>The entries, oldest first.</summary>
    public IReadOnlyList<(int Epoch, long StartOffset)> Entries => _entries;

    /// <summary>The newest epoch recorded, or -1.</summary>
    public int LatestEpoch => _entries.Count == 0 ? -1 : _entries[^1].Epoch;

    /// <summary>
    /// Records that <paramref name="epoch"/> starts at <paramref name="startOffset"/>. Nothing changes when the latest
    /// entry already has that epoch at the same or an earlier offset; otherwise entries that would no longer grow
    /// strictly (an epoch at least as new, or a start offset at least as large) are dropped first.
    /// </summary>
    public void Assign(int epoch, long startOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startOffset);
        if (_entries.Count > 0 && _entries[^1].Epoch == epoch && _entries[^1].StartOffset <= startOffset)
        {
            return;
        }

        while (_entries.Count > 0 && (_entries[^1].Epoch >= epoch || _entries[^1].StartOffset >= startOffset))
        {
            _entries.RemoveAt(_entries.Count - 1);
        }

        _entries.Add((epoch, startOffset));
    }

    /// <summary>
    /// Where <paramref name="requestedEpoch"/> ends, as Kafka's OffsetForLeaderEpoch answers it: for the latest epoch,
    /// the log end offset; otherwise the largest epoch at most the one requested, with the start offset of the first
    /// epoch above it (the requested epoch itself when it is older than every entry); undefined for epoch -1, an empty
    /// cache, or an epoch newer than every entry.
    /// </summary>
    public EpochEndOffset EndOffsetFor(int requestedEpoch, long logEndOffset)
    {
        if (requestedEpoch < 0 || _entries.Count == 0)
        {
            return EpochEndOffset.Undefined;
        }

        if (_entries[^1].Epoch == requestedEpoch)
        {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }

        var higher = _entries.FindIndex(e => e.Epoch > requestedEpoch);
        if (higher < 0)
        {
            return EpochEndOffset.Undefined;
        }

        return higher == 0
            ? new EpochEndOffset(requestedEpoch, _entries[0].StartOffset)
            : new EpochEndOffset(_entries[higher - 1].Epoch, _entries[higher].StartOffset);
    }

    /// <summary>Drops every entry that starts at or after <paramref name="endOffset"/> (the log was truncated there).</summary>
    public void TruncateFromEnd(long endOffset) => _entries.RemoveAll(e => e.StartOffset >= endOffset);
}
