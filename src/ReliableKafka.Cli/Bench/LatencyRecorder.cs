using System.Diagnostics;

namespace ReliableKafka.Cli.Bench;

/// <summary>
/// Collects the outcome of every measured message: its <see cref="DeliveryOutcome.Latency"/> when delivered, a count
/// (and the first reason) when failed, and when the last outcome arrived. Bounds the messages in flight so the
/// client's queue never overflows. Outcomes arrive on the client's delivery thread; the publishing loop waits.
/// </summary>
internal sealed class LatencyRecorder : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<double> _latenciesMs;
    private readonly SemaphoreSlim _window;
    private readonly TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _expected = long.MaxValue;
    private long _completed;
    private long _lastOutcome;

    public LatencyRecorder(int expected, int maxInFlight)
    {
        _latenciesMs = new List<double>(expected);
        _window = new SemaphoreSlim(maxInFlight, maxInFlight);
    }

    public int Failures { get; private set; }

    public string? FirstFailure { get; private set; }

    /// <summary>Stopwatch timestamp of the last outcome.</summary>
    public long LastOutcome => Interlocked.Read(ref _lastOutcome);

    /// <summary>Waits until fewer than the window's messages are in flight.</summary>
    public void WaitForRoom(CancellationToken cancellationToken) => _window.Wait(cancellationToken);

    /// <summary>The publish callback: a static lambda with the recorder as its state.</summary>
    public static void Record(DeliveryOutcome outcome, LatencyRecorder recorder) => recorder.Add(outcome);

    /// <summary>Says how many messages were published; completes <see cref="WhenAllDone"/> once they all have outcomes.</summary>
    public void Expect(long published)
    {
        Interlocked.Exchange(ref _expected, published);
        if (Interlocked.Read(ref _completed) >= published)
        {
            _allDone.TrySetResult();
        }
    }

    public Task WhenAllDone => _allDone.Task;

    /// <summary>The delivered messages' latencies in milliseconds, sorted.</summary>
    public double[] SortedLatencies()
    {
        lock (_gate)
        {
            var sorted = _latenciesMs.ToArray();
            Array.Sort(sorted);
            return sorted;
        }
    }

    public void Dispose() => _window.Dispose();

    private void Add(DeliveryOutcome outcome)
    {
        lock (_gate)
        {
            if (outcome.IsDelivered)
            {
                _latenciesMs.Add(outcome.Latency.TotalMilliseconds);
            }
            else
            {
                Failures++;
                FirstFailure ??= outcome.ToString();
            }
        }

        Interlocked.Exchange(ref _lastOutcome, Stopwatch.GetTimestamp());
        _window.Release();
        if (Interlocked.Increment(ref _completed) >= Interlocked.Read(ref _expected))
        {
            _allDone.TrySetResult();
        }
    }
}
