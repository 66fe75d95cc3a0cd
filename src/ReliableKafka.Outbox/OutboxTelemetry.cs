using System.Diagnostics.Metrics;
using ReliableKafka.Telemetry;

namespace ReliableKafka.Outbox;

/// <summary>The outbox relay's counters, on the library's meter (<see cref="ReliableKafkaTelemetry.MeterName"/>).</summary>
internal static class OutboxTelemetry
{
    private static readonly Meter Meter = new(ReliableKafkaTelemetry.MeterName, typeof(OutboxTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The library's activity source name, for the relay's round spans.</summary>
    internal static readonly System.Diagnostics.ActivitySource Source = new(ReliableKafkaTelemetry.ActivitySourceName, typeof(OutboxTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> OutboxSentCounter = Meter.CreateCounter<long>(ReliableKafkaTelemetry.OutboxSent, "{event}", "Outbox events published.");
    internal static readonly Counter<long> OutboxRetriedCounter = Meter.CreateCounter<long>(ReliableKafkaTelemetry.OutboxRetried, "{event}", "Outbox events rescheduled after a retriable failure.");
    internal static readonly Counter<long> OutboxDeadCounter = Meter.CreateCounter<long>(ReliableKafkaTelemetry.OutboxDead, "{event}", "Outbox events that failed for good.");
}
