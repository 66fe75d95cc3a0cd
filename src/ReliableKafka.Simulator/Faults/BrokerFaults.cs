namespace ReliableKafka.Simulator.Faults;

/// <summary>
/// Faults applied to the requests one broker serves. Thread-safe; each counter is consumed by the requests it hits.
/// </summary>
public sealed class BrokerFaults
{
    private int _dropProduceResponses;

    /// <summary>
    /// Drops the response to the next <paramref name="count"/> Produce requests after the append, as a network that
    /// loses acknowledgements would: the records are in the log, the client times out and retries.
    /// </summary>
    /// <param name="count">How many responses to drop.</param>
    public void DropProduceResponses(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Volatile.Write(ref _dropProduceResponses, count);
    }

    /// <summary>Responses still to be dropped.</summary>
    public int PendingDroppedResponses => Volatile.Read(ref _dropProduceResponses);

    /// <summary>Clears every fault of this broker.</summary>
    public void Clear() => Volatile.Write(ref _dropProduceResponses, 0);

    /// <summary>True when this Produce response must be dropped (and counts it).</summary>
    internal bool TakeDroppedProduceResponse()
    {
        while (true)
        {
            var left = Volatile.Read(ref _dropProduceResponses);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _dropProduceResponses, left - 1, left) == left)
            {
                return true;
            }
        }
    }
}
