namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// The bytes all connections of a cluster may hold for requests being read, as Kafka's memory pool bounds them
/// (queued.max.request.bytes): a connection reserves a request's announced size once its size prefix has arrived and
/// before it reads the body, and releases it after the request is served. A connection that cannot reserve waits
/// without reading (Kafka mutes it), so memory stays bounded whatever the size prefixes announce.
/// </summary>
internal sealed class RequestMemoryBudget(long capacity)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _reserved;
    private int _waiting;

    /// <summary>The most bytes reserved at once.</summary>
    public long Capacity { get; } = capacity;

    /// <summary>Bytes reserved now by requests being read or served.</summary>
    public long Reserved => Volatile.Read(ref _reserved);

    /// <summary>Connections waiting for room now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>
    /// Reserves <paramref name="bytes"/>, waiting for other requests to release theirs for up to
    /// <paramref name="patience"/>; false when the bytes can never fit or did not become free in time.
    /// </summary>
    public async ValueTask<bool> ReserveAsync(long bytes, TimeSpan patience, TimeProvider time, CancellationToken token)
    {
        if (bytes > Capacity)
        {
            return false;
        }

        long started = 0;
        while (true)
        {
            Task released;
            lock (_gate)
            {
                if (_reserved + bytes <= Capacity)
                {
                    _reserved += bytes;
                    return true;
                }

                released = _released.Task;
            }

            started = started == 0 ? time.GetTimestamp() : started;
            var left = patience - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            Interlocked.Increment(ref _waiting);
            try
            {
                await released.WaitAsync(left, time, token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return false;
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    /// <summary>Gives back bytes reserved earlier and wakes the connections waiting for them.</summary>
    public void Release(long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        TaskCompletionSource released;
        lock (_gate)
        {
            _reserved -= bytes;
            released = _released;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        released.TrySetResult();
    }
}
