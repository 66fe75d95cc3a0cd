using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Telemetry;
using TaskApi.Data;

namespace TaskApi.Observability;

/// <summary>
/// What the web console shows for this service (<see cref="ServicePanel"/>): it listens to the library's meter
/// (deliveries, failures, dead letters and delivery latency per producer) and to the service's (notifications) from
/// start, and reads the outbox backlog when asked. Registered with the embedded cluster only.
/// </summary>
public sealed class ServicePanelSource : IDisposable
{
    /// <summary>The latency buckets' upper bounds in ms; one unbounded bucket follows.</summary>
    internal static readonly double[] LatencyBounds = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, ProducerTotals> _producers = new(StringComparer.Ordinal);
    private readonly long[] _latency = new long[LatencyBounds.Length + 1];
    private readonly TaskDatabase _database;
    private readonly TimeProvider _time;
    private long _notifications;

    public ServicePanelSource(TaskDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ReliableKafkaTelemetry.MeterName && instrument.Name is ReliableKafkaTelemetry.Delivered
                    or ReliableKafkaTelemetry.Failed or ReliableKafkaTelemetry.DeadLettered or ReliableKafkaTelemetry.DeliveryDuration
                || (instrument.Meter.Name == TaskApiTelemetry.MeterName && instrument.Name == TaskApiTelemetry.NotificationsSent))
            {
                listener.EnableMeasurementEvents(instrument, this);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (instrument, value, tags, state) => ((ServicePanelSource)state!).Count(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, _, state) => ((ServicePanelSource)state!).Time(value));
        _listener.Start();
    }

    /// <summary>The panel now: totals since start, and the outbox as the database holds it.</summary>
    public async Task<ServicePanel> ReadAsync(CancellationToken cancellationToken)
    {
        var backlog = await _database.Outbox.GetBacklogAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        return new ServicePanel(
            "Task API",
            now,
            [.. _producers.OrderBy(static p => p.Key, StringComparer.Ordinal).Select(static p => new ServiceProducer(p.Key, Interlocked.Read(ref p.Value.Delivered), Interlocked.Read(ref p.Value.Failed), Interlocked.Read(ref p.Value.DeadLettered)))],
            [.. _latency.Select((count, i) => new LatencyBucket(i < LatencyBounds.Length ? LatencyBounds[i] : null, Interlocked.Read(ref _latency[i])))],
            new ServiceOutbox(backlog.Pending, backlog.Waiting, backlog.Dead, backlog.OldestPendingAt is null ? null : Math.Round(backlog.OldestAge(now).TotalSeconds, 1)),
            [.. backlog.DeadEvents.Select(static d => new BlockedKey(d.Topic, d.Key, d.EventId, d.Reason, d.Waiting))],
            [new ServiceCounter("notifications sent", Interlocked.Read(ref _notifications))]);
    }

    public void Dispose() => _listener.Dispose();

    private void Count(string instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (instrument == TaskApiTelemetry.NotificationsSent)
        {
            Interlocked.Add(ref _notifications, value);
            return;
        }

        var totals = _producers.GetOrAdd(Producer(tags), static _ => new ProducerTotals());
        switch (instrument)
        {
            case ReliableKafkaTelemetry.Delivered:
                Interlocked.Add(ref totals.Delivered, value);
                break;
            case ReliableKafkaTelemetry.Failed:
                Interlocked.Add(ref totals.Failed, value);
                break;
            case ReliableKafkaTelemetry.DeadLettered:
                Interlocked.Add(ref totals.DeadLettered, value);
                break;
        }
    }

    private void Time(double milliseconds)
    {
        var bucket = Array.FindIndex(LatencyBounds, bound => milliseconds <= bound);
        Interlocked.Increment(ref _latency[bucket < 0 ? LatencyBounds.Length : bucket]);
    }

    private static string Producer(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == ReliableKafkaTelemetry.TagProducer && tag.Value is string name)
            {
                return name;
            }
        }

        return "producer";
    }

    private sealed class ProducerTotals
    {
        public long Delivered;
        public long Failed;
        public long DeadLettered;
    }
}
