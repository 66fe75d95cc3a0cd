namespace ReliableKafka.Producing;

/// <summary>
/// The messages one client instance holds: handed to librdkafka, not yet reported. librdkafka reports every
/// message exactly once while the instance lives, but a disposed instance reports nothing; this registry is how
/// the producer finds the messages that would otherwise be dropped in silence, and its gate makes sure no message
/// is handed to an instance that is being disposed (Confluent.Kafka must never see a Produce after Dispose).
/// <para>
/// Publishing threads append nodes to segments of their lane (one lane per group of threads, so a lane's counters
/// stay in one core's cache); the delivery thread claims a node with one exchange on the node itself and clears its
/// slot. Only a sweep (dispose, replacement) walks the segments.
/// </para>
/// </summary>
internal sealed class PendingRegistry
{
    internal const int SegmentSize = 1024;

    private readonly Lane[] _lanes;
    private readonly int _mask;
    private readonly Lock _segmentsGate = new();
    private readonly HashSet<Segment> _segments = [];
    private int _closing;

    public PendingRegistry()
    {
        var count = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, Environment.ProcessorCount));
        _lanes = new Lane[count];
        for (var i = 0; i < count; i++)
        {
            _lanes[i] = new Lane(NewSegment());
        }

        _mask = count - 1;
    }

    /// <summary>Messages registered and not yet claimed.</summary>
    public int Count
    {
        get
        {
            var total = 0;
            lock (_segmentsGate)
            {
                foreach (var segment in _segments)
                {
                    total += Math.Min(Volatile.Read(ref segment.Reserved.Value), SegmentSize) - Volatile.Read(ref segment.Removed.Value);
                }
            }

            return total;
        }
    }

    /// <summary>
    /// Enters the gate: false once <see cref="CloseAndClaimAll"/> has begun (the instance must not be used). On true, the caller
    /// must call <see cref="Exit"/> after its Produce call returns.
    /// </summary>
    public bool TryEnter(out object token)
    {
        var lane = _lanes[Environment.CurrentManagedThreadId & _mask];
        token = lane;
        Interlocked.Increment(ref lane.Active.Value);
        if (Volatile.Read(ref _closing) == 0)
        {
            return true;
        }

        Interlocked.Decrement(ref lane.Active.Value);
        return false;
    }

    public static void Exit(object token) => Interlocked.Decrement(ref ((Lane)token).Active.Value);

    /// <summary>Registers a node; call between <see cref="TryEnter"/> and <see cref="Exit"/>.</summary>
    public void Add(object token, PendingDelivery node)
    {
        var lane = (Lane)token;
        while (true)
        {
            var segment = Volatile.Read(ref lane.Current);
            var index = Interlocked.Increment(ref segment.Reserved.Value) - 1;
            if (index < SegmentSize)
            {
                node.Segment = segment;
                node.Slot = index;
                Volatile.Write(ref segment.Slots[index], node);
                return;
            }

            lock (_segmentsGate)
            {
                if (lane.Current == segment)
                {
                    lane.Current = NewSegmentLocked();
                }
            }
        }
    }

    /// <summary>Claims a node for its one outcome; false when someone else already claimed it.</summary>
    public static bool TryClaim(PendingDelivery node)
    {
        if (Interlocked.Exchange(ref node.Claimed, 1) != 0)
        {
            return false;
        }

        // The slot keeps its (claimed, emptied) node until the whole segment is retired: clearing it would cost the
        // delivery thread a cache miss per message, and a sweep skips claimed nodes anyway.
        if (node.Segment is { } segment)
        {
            if (Interlocked.Increment(ref segment.Removed.Value) == SegmentSize)
            {
                segment.Owner.Retire(segment);
            }
        }

        return true;
    }

    /// <summary>Empties the slot of a claimed node that is about to be registered again (a retry on another instance).</summary>
    public static void Forget(PendingDelivery node)
    {
        if (node.Segment is { } segment)
        {
            Volatile.Write(ref segment.Slots[node.Slot], null);
            node.Segment = null;
        }
    }

    /// <summary>
    /// Closes the gate, waits up to <paramref name="timeout"/> for publishing threads inside it to leave, then claims
    /// and returns every node still registered. Returns false in <paramref name="drained"/> when a thread stayed inside
    /// (blocked in Produce): the instance must then not be disposed.
    /// </summary>
    public List<PendingDelivery> CloseAndClaimAll(TimeSpan timeout, out bool drained)
    {
        Interlocked.Exchange(ref _closing, 1);
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        drained = false;
        var spinner = new SpinWait();
        while (true)
        {
            if (_lanes.All(static lane => Volatile.Read(ref lane.Active.Value) == 0))
            {
                drained = true;
                break;
            }

            if (Environment.TickCount64 > deadline)
            {
                break;
            }

            spinner.SpinOnce();
        }

        Segment[] segments;
        lock (_segmentsGate)
        {
            segments = [.. _segments];
        }

        var claimed = new List<PendingDelivery>();
        foreach (var segment in segments)
        {
            var filled = Math.Min(Volatile.Read(ref segment.Reserved.Value), SegmentSize);
            for (var i = 0; i < filled; i++)
            {
                if (Volatile.Read(ref segment.Slots[i]) is { } node && TryClaim(node))
                {
                    claimed.Add(node);
                }
            }
        }

        return claimed;
    }

    private Segment NewSegment()
    {
        lock (_segmentsGate)
        {
            return NewSegmentLocked();
        }
    }

    private Segment NewSegmentLocked()
    {
        var segment = new Segment(this);
        _segments.Add(segment);
        return segment;
    }

    private void Retire(Segment segment)
    {
        lock (_segmentsGate)
        {
            _segments.Remove(segment);
        }
    }

    /// <summary>A fixed block of slots; retired when every slot was claimed.</summary>
    internal sealed class Segment(PendingRegistry owner)
    {
        public readonly PendingRegistry Owner = owner;
        public readonly PendingDelivery?[] Slots = new PendingDelivery?[SegmentSize];

        /// <summary>Written by publishing threads.</summary>
        public PaddedCounter Reserved;

        /// <summary>Written by the delivery thread; kept on another cache line.</summary>
        public PaddedCounter Removed;
    }

    /// <summary>The publishing side of a group of threads.</summary>
    private sealed class Lane(Segment first)
    {
        public PaddedCounter Active;
        public Segment Current = first;
    }
}
