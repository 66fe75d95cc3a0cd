using System.Buffers.Binary;
using System.Diagnostics;

namespace ReliableKafka.Cli.Bench;

/// <summary>
/// Runs one profile once: a <see cref="ReliableProducer{TKey, TValue}"/> with the profile's defaults (dead letters off,
/// so nothing is written besides the benchmark topic), a warm-up that is awaited and not counted, then the measured
/// messages through the high-throughput <c>Publish&lt;TState&gt;</c> path, each outcome recorded.
/// </summary>
internal static class ProfileRunner
{
    /// <summary>Keys cycle over this many values, so messages spread over every partition.</summary>
    private const int KeyCount = 1024;

    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    public static async Task<ProfileRound> RunAsync(string bootstrapServers, string topic, ReliabilityProfile profile, BenchWorkload workload, CancellationToken cancellationToken)
    {
        var options = new ReliableProducerOptions
        {
            Name = "rk-bench-" + profile.ToString().ToLowerInvariant(),
            Profile = profile,
            BootstrapServers = bootstrapServers,
            ShutdownTimeout = ShutdownTimeout,
        };
        options.DeadLetters.Enabled = false;
        options.Settings["client.id"] = "rk-bench";

        var keys = new byte[KeyCount][];
        for (var k = 0; k < KeyCount; k++)
        {
            keys[k] = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(keys[k], k);
        }

        var random = new Random((int)profile + 1);
        await using var producer = new ReliableProducer<byte[], byte[]>(options);
        var warmup = new Task<DeliveryOutcome>[workload.Warmup];
        for (var i = 0; i < warmup.Length; i++)
        {
            warmup[i] = producer.PublishAsync(topic, keys[i % KeyCount], Payload(random, workload.MessageBytes), null, cancellationToken);
        }

        await Task.WhenAll(warmup).ConfigureAwait(false);

        using var recorder = new LatencyRecorder(workload.Messages ?? 1024, workload.MaxInFlight);
        var (published, started) = await Task.Run(() => Publish(producer, topic, keys, random, workload, recorder, cancellationToken), cancellationToken).ConfigureAwait(false);
        recorder.Expect(published);
        await recorder.WhenAllDone.WaitAsync(cancellationToken).ConfigureAwait(false);

        var latencies = recorder.SortedLatencies();
        var seconds = published == 0 ? 0 : Stopwatch.GetElapsedTime(started, recorder.LastOutcome).TotalSeconds;
        return new ProfileRound((int)published, latencies.Length, recorder.Failures, recorder.FirstFailure, seconds, LatencySummary.Of(latencies));
    }

    /// <summary>Publishes the measured messages: as fast as the window allows, or at the offered rate.</summary>
    private static (long Published, long Started) Publish(
        ReliableProducer<byte[], byte[]> producer, string topic, byte[][] keys, Random random, BenchWorkload workload, LatencyRecorder recorder, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = workload.DurationSeconds is { } seconds ? started + (seconds * Stopwatch.Frequency) : long.MaxValue;
        var limit = workload.Messages ?? long.MaxValue;
        long published = 0;
        while (published < limit)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= deadline)
            {
                break;
            }

            if (workload.Rate is { } rate && published >= (long)(Stopwatch.GetElapsedTime(started, now).TotalSeconds * rate) + 1)
            {
                Thread.Sleep(1);
                continue;
            }

            recorder.WaitForRoom(cancellationToken);
            producer.Publish(topic, keys[published % KeyCount], Payload(random, workload.MessageBytes), null, recorder, LatencyRecorder.Record);
            published++;
        }

        // The workload ends here: flushing sends what waits for linger.ms at once, as a service shutting down would.
        producer.Flush(ShutdownTimeout);
        return (published, started);
    }

    /// <summary>Random bytes: lz4 cannot shrink them, so MB/s is what crossed the wire.</summary>
    private static byte[] Payload(Random random, int size)
    {
        var value = new byte[size];
        random.NextBytes(value);
        return value;
    }
}
