namespace ReliableKafka.Simulator.Cluster;

/// <summary>What the broker must do with a batch, given the producer's state.</summary>
internal enum SequenceVerdict
{
    /// <summary>Append it.</summary>
    Append,

    /// <summary>An exact retry of one of the last five batches: answer success with its original offset, append nothing.</summary>
    Duplicate,

    /// <summary>OUT_OF_ORDER_SEQUENCE_NUMBER (45).</summary>
    OutOfOrder,

    /// <summary>INVALID_PRODUCER_EPOCH (47).</summary>
    StaleEpoch,
}

/// <summary>
/// Idempotent-producer state of one replica of one partition: per producer id, its epoch and the last five batches
/// (Kafka's ProducerStateEntry). Followers maintain it from replicated batches, so a new leader deduplicates.
/// </summary>
internal sealed class ProducerStateTable
{
    /// <summary>How many batches per producer are kept for deduplication (Kafka: NUM_BATCHES_TO_RETAIN).</summary>
    public const int BatchesToRetain = 5;

    private readonly Dictionary<long, Entry> _producers = [];

    /// <summary>Number of producers known.</summary>
    public int Count => _producers.Count;

    /// <summary>Decides what to do with a batch from an idempotent producer.</summary>
    public SequenceVerdict Check(long producerId, short epoch, int firstSequence, int lastSequence, out long duplicateBaseOffset)
    {
        duplicateBaseOffset = -1;
        if (!_producers.TryGetValue(producerId, out var entry))
        {
            // An unknown producer id is accepted at any sequence.
            return SequenceVerdict.Append;
        }

        if (epoch < entry.Epoch)
        {
            return SequenceVerdict.StaleEpoch;
        }

        if (epoch > entry.Epoch)
        {
            return firstSequence == 0 ? SequenceVerdict.Append : SequenceVerdict.OutOfOrder;
        }

        foreach (var batch in entry.Batches)
        {
            if (batch.FirstSequence == firstSequence && batch.LastSequence == lastSequence)
            {
                duplicateBaseOffset = batch.BaseOffset;
                return SequenceVerdict.Duplicate;
            }
        }

        var last = entry.Batches.Count == 0 ? -1 : entry.Batches[^1].LastSequence;
        var expected = last == int.MaxValue ? 0 : last + 1;
        return firstSequence == expected ? SequenceVerdict.Append : SequenceVerdict.OutOfOrder;
    }

    /// <summary>Records an appended (or replicated) batch.</summary>
    public void Record(StoredBatch batch)
    {
        if (!batch.IsIdempotent)
        {
            return;
        }

        if (!_producers.TryGetValue(batch.ProducerId, out var entry))
        {
            entry = new Entry(batch.ProducerEpoch);
            _producers[batch.ProducerId] = entry;
        }

        if (batch.ProducerEpoch > entry.Epoch)
        {
            entry.Epoch = batch.ProducerEpoch;
            entry.Batches.Clear();
        }

        if (batch.IsControl)
        {
            // A transaction marker carries the producer's epoch (a fenced transaction's marker a newer one) but no
            // sequence: it moves the epoch on and leaves the batches alone, as Kafka's appendEndTxnMarker does.
            return;
        }

        entry.Batches.Add(new BatchMetadata(batch.BaseSequence, batch.LastSequence, batch.BaseOffset, batch.LastOffset));
        if (entry.Batches.Count > BatchesToRetain)
        {
            entry.Batches.RemoveAt(0);
        }
    }

    /// <summary>Rebuilds the table from a log (after truncation).</summary>
    public void Rebuild(IEnumerable<StoredBatch> log)
    {
        _producers.Clear();
        foreach (var batch in log)
        {
            Record(batch);
        }
    }

    private sealed class Entry(short epoch)
    {
        public short Epoch { get; set; } = epoch;

        public List<BatchMetadata> Batches { get; } = [];
    }

    private readonly record struct BatchMetadata(int FirstSequence, int LastSequence, long BaseOffset, long LastOffset);
}
