using System.Diagnostics.Metrics;
using ReliableKafka.Telemetry;

namespace ReliableKafka;

/// <content>The observable gauges this producer feeds (in flight, queue, retries, broker round-trip times).</content>
public sealed partial class ReliableProducer<TKey, TValue>
{
    Measurement<long>? ITelemetrySource.ObserveInFlight() =>
        new(Volatile.Read(ref _current).Pending.Count, ProducerTagArray());

    Measurement<long>? ITelemetrySource.ObserveQueue() =>
        Volatile.Read(ref _current).Statistics is { } stats ? new(stats.QueueMessages, ProducerTagArray()) : null;

    Measurement<long>? ITelemetrySource.ObserveRetries() =>
        Volatile.Read(ref _current).Statistics is { } stats ? new(stats.Retries, ProducerTagArray()) : null;

    IEnumerable<Measurement<double>> ITelemetrySource.ObserveRtt()
    {
        if (Volatile.Read(ref _current).Statistics is not { } stats)
        {
            yield break;
        }

        foreach (var (broker, rtt) in stats.BrokerRttMs)
        {
            yield return new Measurement<double>(rtt, [.. ProducerTagArray(), new(ReliableKafkaTelemetry.TagBroker, broker)]);
        }
    }

    private KeyValuePair<string, object?>[] ProducerTagArray() =>
    [
        new(ReliableKafkaTelemetry.TagProducer, _tags.Producer),
        new(ReliableKafkaTelemetry.TagProfile, _tags.Profile),
    ];
}
