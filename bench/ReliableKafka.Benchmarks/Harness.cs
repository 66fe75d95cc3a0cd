using System.Diagnostics;

namespace ReliableKafka.Benchmarks;

/// <summary>Runs one variant once and measures wall time, process CPU time and allocations.</summary>
internal static class Harness
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Primes a fresh topic (one message, not counted), collects garbage, then times from the first hand-over to the
    /// last report: the variant hands every message over and flushes, and the counter waits for the last report.
    /// </summary>
    public static RunResult Measure(Variant variant, string topic, int count, int round, int order)
    {
        variant.Prime(topic);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        using var counter = new DeliveryCounter(count);
        var gcBefore = GcActivity.Now();
        var cpuBefore = ProcessCpu();
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var started = Stopwatch.GetTimestamp();

        variant.Run(topic, count, counter);
        counter.Wait(RunTimeout);

        var allocatedAfter = GC.GetTotalAllocatedBytes(true);
        var cpuAfter = ProcessCpu();
        var gc = GcActivity.Now().Since(gcBefore);
        var wall = Stopwatch.GetElapsedTime(started, counter.CompletedAt);
        return new RunResult(
            variant.Id, round, order, topic, count, counter.Failed, counter.FirstError,
            wall.TotalSeconds, (cpuAfter - cpuBefore).TotalMilliseconds, allocatedAfter - allocatedBefore, gc,
            Seconds(started), Seconds(counter.CompletedAt));
    }

    /// <summary>A Stopwatch timestamp in seconds (CLOCK_MONOTONIC on Linux), to line runs up with perf or traces.</summary>
    private static double Seconds(long timestamp) => (double)timestamp / Stopwatch.Frequency;

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
