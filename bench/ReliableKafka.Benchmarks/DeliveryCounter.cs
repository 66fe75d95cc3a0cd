using System.Diagnostics;
using Confluent.Kafka;

namespace ReliableKafka.Benchmarks;

/// <summary>
/// Counts the reports of one run (Interlocked), remembers when the last one arrived, and signals the waiter.
/// Every variant counts through <see cref="Record"/>, so the counting costs the same everywhere.
/// </summary>
internal sealed class DeliveryCounter : IDisposable
{
    private readonly long _target;
    private readonly ManualResetEventSlim _done = new(false);
    private long _completed;
    private long _failed;
    private long _completedAt;
    private string? _firstError;

    public DeliveryCounter(long target)
    {
        _target = target;
        Handler = OnReport;
    }

    /// <summary>The one cached delivery handler of the raw Produce variants.</summary>
    public Action<DeliveryReport<byte[]?, byte[]?>> Handler { get; }

    public long Completed => Volatile.Read(ref _completed);

    public long Failed => Volatile.Read(ref _failed);

    /// <summary>Stopwatch timestamp of the last report.</summary>
    public long CompletedAt => Volatile.Read(ref _completedAt);

    public string? FirstError => Volatile.Read(ref _firstError);

    public void Record(bool delivered, ErrorCode code, string? reason)
    {
        if (!delivered)
        {
            Interlocked.Increment(ref _failed);
            Interlocked.CompareExchange(ref _firstError, $"{code}: {reason}", null);
        }

        if (Interlocked.Increment(ref _completed) == _target)
        {
            Volatile.Write(ref _completedAt, Stopwatch.GetTimestamp());
            _done.Set();
        }
    }

    /// <summary>Blocks the producing loop while more than <paramref name="window"/> messages are unreported.</summary>
    public void WaitForRoom(long handedOver, int window)
    {
        while (handedOver - Completed >= window)
        {
            Thread.Sleep(1);
        }
    }

    /// <summary>Waits for the last report.</summary>
    /// <exception cref="TimeoutException">Not every message was reported in time.</exception>
    public void Wait(TimeSpan timeout)
    {
        if (!_done.Wait(timeout))
        {
            throw new TimeoutException($"Only {Completed:N0} of {_target:N0} messages were reported within {timeout.TotalSeconds:0} s.");
        }
    }

    public void Dispose() => _done.Dispose();

    private void OnReport(DeliveryReport<byte[]?, byte[]?> report)
    {
        var error = report.Error;
        Record(error.Code == ErrorCode.NoError, error.Code, error.Code == ErrorCode.NoError ? null : error.Reason);
    }
}
