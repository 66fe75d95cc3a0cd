namespace ReliableKafka.Simulator.Benchmarks;

/// <summary>The numbers of one run: one target, one acks level, one round.</summary>
internal sealed record RunResult
{
    public required AcksLevel Level { get; init; }

    public required TargetKind Target { get; init; }

    public required int Round { get; init; }

    /// <summary>1 when this target ran first in its pair, 2 when second; 0 for a warm-up.</summary>
    public required int Order { get; init; }

    public required string Topic { get; init; }

    public required int Partitions { get; init; }

    public required int Replicas { get; init; }

    /// <summary>How the cluster laid the topic out, in words.</summary>
    public required string TopicNote { get; init; }

    public required ProducePhase Produce { get; init; }

    public required RetainedMemory Memory { get; init; }

    /// <summary>Whether every replica held the whole log after producing; null for the mock, which does not replicate.</summary>
    public bool? ReplicasInSync { get; init; }

    /// <summary>Batches leaders appended (the simulator's ground truth); -1 when not known.</summary>
    public long Batches { get; init; } = -1;

    /// <summary>Ground-truth events the simulator holds after producing; -1 when not known.</summary>
    public long TruthEvents { get; init; } = -1;

    public required ConsumePhase Consume { get; init; }

    public required int ClientErrors { get; init; }

    public string? LastClientError { get; init; }
}

/// <summary>Producing N messages: first hand-over to last delivery report.</summary>
internal sealed record ProducePhase(long Messages, double Seconds, double CpuMilliseconds, long AllocatedBytes, GcActivity Gc, double StartedAtSeconds, double EndedAtSeconds)
{
    public double MessagesPerSecond => Messages / Seconds;

    public double CpuMsPerMillion => CpuMilliseconds * 1_000_000d / Messages;

    public double AllocatedBytesPerMessage => (double)AllocatedBytes / Messages;
}

/// <summary>
/// Reading back: <see cref="Expected"/> is what the cluster still holds (high minus low watermark over the partitions,
/// including the primed messages); timed from Assign to the last record.
/// </summary>
internal sealed record ConsumePhase(long Expected, long Appended, long Read, double Seconds, double FirstRecordSeconds, double CpuMilliseconds, long AllocatedBytes)
{
    public double MessagesPerSecond => Read / Seconds;

    public double CpuMsPerMillion => CpuMilliseconds * 1_000_000d / Read;

    public double AllocatedBytesPerMessage => (double)AllocatedBytes / Read;
}

/// <summary>
/// Memory the process holds after producing N messages, compared with just before: the managed heap's live bytes after
/// a full blocking collection (GC.GetTotalMemory(true)), the GC's heap size (HeapSizeBytes, fragmentation included) and
/// the working set (indicative only: the GC keeps memory it has committed).
/// </summary>
internal sealed record RetainedMemory(long Messages, long HeapBefore, long HeapAfter, long GcHeapBefore, long GcHeapAfter, long WorkingSetBefore, long WorkingSetAfter)
{
    public double HeapBytesPerMessage => (double)(HeapAfter - HeapBefore) / Messages;

    public double GcHeapBytesPerMessage => (double)(GcHeapAfter - GcHeapBefore) / Messages;

    public double WorkingSetBytesPerMessage => (double)(WorkingSetAfter - WorkingSetBefore) / Messages;
}

/// <summary>Garbage collections and GC pause time during a phase.</summary>
internal sealed record GcActivity(int Gen0, int Gen1, int Gen2, double PauseMilliseconds)
{
    public static GcActivity Now() => new(
        GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalMilliseconds);

    public GcActivity Since(GcActivity before) => new(
        Gen0 - before.Gen0, Gen1 - before.Gen1, Gen2 - before.Gen2, PauseMilliseconds - before.PauseMilliseconds);
}
