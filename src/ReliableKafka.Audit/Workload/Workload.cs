using System.Diagnostics;

namespace ReliableKafka.Audit.Workload;

/// <summary>
/// Sends sequenced messages at a steady rate, round-robin over a few keys, until told to stop. Each value carries
/// the run id, the producer id, the key and the sequence.
/// </summary>
internal sealed class AuditWorkload(IAuditProducer producer, DeliveryRecorder recorder, string topic, string runId, string producerId, int keys, double messagesPerSecond)
{
    private readonly Lock _sendGate = new();
    private long _nextSequence;

    public DeliveryRecorder Recorder { get; } = recorder;

    /// <summary>Sends until <paramref name="stop"/> is cancelled; returns how long it sent for.</summary>
    public async Task<TimeSpan> RunAsync(CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        long sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * messagesPerSecond);
            for (; sent < due && !stop.IsCancellationRequested; sent++)
            {
                SendOne(0);
            }

            try
            {
                await Task.Delay(5, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Sends one message padded to <paramref name="length"/> characters (0: no padding).</summary>
    public void SendOne(int length)
    {
        lock (_sendGate)
        {
            var sequence = _nextSequence++;
            var key = $"key-{sequence % keys}";
            producer.Send(topic, key, AuditValue.Format(runId, producerId, key, sequence, length), sequence);
        }
    }

    /// <summary>Flushes until every message has a report or <paramref name="timeout"/> passes.</summary>
    public void AwaitReports(TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (Recorder.Pending > 0 && Stopwatch.GetElapsedTime(started) < timeout)
        {
            producer.Flush(TimeSpan.FromMilliseconds(200));
        }
    }
}
