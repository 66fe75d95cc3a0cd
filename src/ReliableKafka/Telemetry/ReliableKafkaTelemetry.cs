using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ReliableKafka.Telemetry;

/// <summary>
/// The one <see cref="Meter"/> of the library and the names of its instruments and tags. Listen with
/// OpenTelemetry (<c>AddMeter(ReliableKafkaTelemetry.MeterName)</c>) or a <see cref="MeterListener"/>.
/// </summary>
public static class ReliableKafkaTelemetry
{
    /// <summary>The meter's name: "ReliableKafka".</summary>
    public const string MeterName = "ReliableKafka";

    /// <summary>
    /// The name of the library's <see cref="ActivitySource"/>: "ReliableKafka" (listen with OpenTelemetry's
    /// <c>AddSource(ReliableKafkaTelemetry.ActivitySourceName)</c>). A producer span per message follows OpenTelemetry's
    /// messaging conventions, and the message carries its W3C trace context in <c>traceparent</c>/<c>tracestate</c>
    /// headers. Nothing is traced, and no header added, while nobody listens.
    /// </summary>
    public const string ActivitySourceName = "ReliableKafka";

    /// <summary>The W3C trace context header a traced message carries.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>The W3C trace state header a traced message carries when its trace has state.</summary>
    public const string TraceStateHeader = "tracestate";

    /// <summary>Counter of messages handed to a producer.</summary>
    public const string Published = "reliablekafka.messages.published";

    /// <summary>Counter of messages acknowledged by the cluster.</summary>
    public const string Delivered = "reliablekafka.messages.delivered";

    /// <summary>Counter of failed messages, tagged <see cref="TagErrorKind"/> and <see cref="TagErrorCode"/>.</summary>
    public const string Failed = "reliablekafka.messages.failed";

    /// <summary>Counter of messages written to a dead-letter topic.</summary>
    public const string DeadLettered = "reliablekafka.messages.dead_lettered";

    /// <summary>Counter of messages stored in the local spill because the dead-letter topic could not be written.</summary>
    public const string Spilled = "reliablekafka.messages.spilled";

    /// <summary>Counter of client instances replaced after a fatal error.</summary>
    public const string Replaced = "reliablekafka.producer.replacements";

    /// <summary>Histogram of publish-to-acknowledgement time, in milliseconds.</summary>
    public const string DeliveryDuration = "reliablekafka.delivery.duration";

    /// <summary>Gauge of messages handed to the client and not yet acknowledged or failed.</summary>
    public const string InFlight = "reliablekafka.messages.in_flight";

    /// <summary>Gauge of messages in librdkafka's queues (statistics msg_cnt).</summary>
    public const string ClientQueueMessages = "reliablekafka.client.queue.messages";

    /// <summary>Counter of request retries librdkafka made (statistics: sum of brokers' txretries).</summary>
    public const string ClientRetries = "reliablekafka.client.retries";

    /// <summary>Gauge of the average round-trip time to each broker, in milliseconds (statistics rtt.avg).</summary>
    public const string BrokerRtt = "reliablekafka.broker.rtt";

    /// <summary>Tag: the topic.</summary>
    public const string TagTopic = "messaging.destination.name";

    /// <summary>Tag: the reliability profile.</summary>
    public const string TagProfile = "reliablekafka.profile";

    /// <summary>Tag: the producer's name.</summary>
    public const string TagProducer = "reliablekafka.producer";

    /// <summary>Tag: retriable, fatal or configuration.</summary>
    public const string TagErrorKind = "error.kind";

    /// <summary>Counter: outbox events published (marked sent after a Delivered outcome).</summary>
    public const string OutboxSent = "reliablekafka.outbox.sent";

    /// <summary>Counter: outbox events rescheduled after a retriable failure.</summary>
    public const string OutboxRetried = "reliablekafka.outbox.retried";

    /// <summary>Counter: outbox events marked dead after a fatal failure.</summary>
    public const string OutboxDead = "reliablekafka.outbox.dead";

    /// <summary>Counter: events a consumer skipped because their event id was already processed.</summary>
    public const string ConsumerDuplicates = "reliablekafka.consumer.duplicates";

    /// <summary>Counter of records the idempotent consumer dead-lettered after its handler failed on them every attempt.</summary>
    public const string ConsumerDeadLettered = "reliablekafka.consumer.dead_lettered";

    /// <summary>Tag: the error code's name.</summary>
    public const string TagErrorCode = "error.type";

    /// <summary>Transactions published by a <see cref="TransactionalPublisher{TKey, TValue}"/>, by outcome (<see cref="TagOutcome"/>).</summary>
    public const string Transactions = "reliablekafka.transactions";

    /// <summary>How a transaction ended: Committed, Aborted, Fenced or Unknown.</summary>
    public const string TagOutcome = "reliablekafka.transaction.outcome";

    /// <summary>Tag: the broker's name.</summary>
    public const string TagBroker = "messaging.kafka.broker";

    internal static readonly Meter Meter = new(MeterName, typeof(ReliableKafkaTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> PublishedCounter = Meter.CreateCounter<long>(Published, "{message}", "Messages handed to a producer.");
    internal static readonly Counter<long> DeliveredCounter = Meter.CreateCounter<long>(Delivered, "{message}", "Messages acknowledged by the cluster.");
    internal static readonly Counter<long> FailedCounter = Meter.CreateCounter<long>(Failed, "{message}", "Messages that failed, by kind and code.");
    internal static readonly Counter<long> DeadLetteredCounter = Meter.CreateCounter<long>(DeadLettered, "{message}", "Messages written to a dead-letter topic.");
    internal static readonly Counter<long> SpilledCounter = Meter.CreateCounter<long>(Spilled, "{message}", "Messages stored in the local spill.");
    internal static readonly Counter<long> ReplacedCounter = Meter.CreateCounter<long>(Replaced, "{instance}", "Client instances replaced after a fatal error.");
    internal static readonly Counter<long> ConsumerDuplicatesCounter = Meter.CreateCounter<long>(ConsumerDuplicates, "{event}", "Events skipped as already processed.");

    internal static readonly ActivitySource Source = new(ActivitySourceName, typeof(ReliableKafkaTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> ConsumerDeadLetteredCounter = Meter.CreateCounter<long>(ConsumerDeadLettered, "{record}", "Poison records dead-lettered by the idempotent consumer.");
    internal static readonly Counter<long> TransactionsCounter = Meter.CreateCounter<long>(Transactions, "{transaction}", "Transactions published, by outcome.");
    internal static readonly Histogram<double> DurationHistogram = Meter.CreateHistogram<double>(DeliveryDuration, "ms", "Publish-to-acknowledgement time.");

    private static readonly ConcurrentDictionary<ITelemetrySource, byte> Sources = new();

    static ReliableKafkaTelemetry()
    {
        Meter.CreateObservableUpDownCounter(InFlight, () => Observe(static s => s.ObserveInFlight()), "{message}", "Messages not yet acknowledged or failed.");
        Meter.CreateObservableGauge(ClientQueueMessages, () => Observe(static s => s.ObserveQueue()), "{message}", "Messages in librdkafka's queues.");
        Meter.CreateObservableCounter(ClientRetries, () => Observe(static s => s.ObserveRetries()), "{request}", "Request retries made by librdkafka.");
        Meter.CreateObservableGauge(BrokerRtt, () => ObserveMany(static s => s.ObserveRtt()), "ms", "Average round-trip time to each broker.");
    }

    internal static void Register(ITelemetrySource source) => Sources.TryAdd(source, 0);

    internal static void Unregister(ITelemetrySource source) => Sources.TryRemove(source, out _);

    private static IEnumerable<Measurement<long>> Observe(Func<ITelemetrySource, Measurement<long>?> read)
    {
        foreach (var source in Sources.Keys)
        {
            if (read(source) is { } measurement)
            {
                yield return measurement;
            }
        }
    }

    private static IEnumerable<Measurement<double>> ObserveMany(Func<ITelemetrySource, IEnumerable<Measurement<double>>> read)
    {
        foreach (var source in Sources.Keys)
        {
            foreach (var measurement in read(source))
            {
                yield return measurement;
            }
        }
    }
}

/// <summary>A producer that reports gauges.</summary>
internal interface ITelemetrySource
{
    Measurement<long>? ObserveInFlight();

    Measurement<long>? ObserveQueue();

    Measurement<long>? ObserveRetries();

    IEnumerable<Measurement<double>> ObserveRtt();
}

/// <summary>The tags every instrument of one producer carries.</summary>
internal readonly struct ProducerTags(string producer, string profile)
{
    public string Producer { get; } = producer;

    public string Profile { get; } = profile;

    public TagList With(string topic)
    {
        var tags = new TagList
        {
            { ReliableKafkaTelemetry.TagProducer, Producer },
            { ReliableKafkaTelemetry.TagProfile, Profile },
            { ReliableKafkaTelemetry.TagTopic, topic },
        };
        return tags;
    }
}
