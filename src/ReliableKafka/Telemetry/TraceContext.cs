using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace ReliableKafka.Telemetry;

/// <summary>W3C trace context in Kafka headers: <c>traceparent</c> and <c>tracestate</c>.</summary>
internal static class TraceContext
{
    /// <summary>The trace context a message carries, or none when it has no valid one.</summary>
    public static ActivityContext Extract(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(ReliableKafkaTelemetry.TraceParentHeader, out var parent))
        {
            return default;
        }

        var state = headers.TryGetLastBytes(ReliableKafkaTelemetry.TraceStateHeader, out var bytes) ? Encoding.ASCII.GetString(bytes) : null;
        return ActivityContext.TryParse(Encoding.ASCII.GetString(parent), state, isRemote: true, out var context) ? context : default;
    }

    /// <summary>A copy of <paramref name="headers"/> whose trace context is <paramref name="activity"/>'s (the caller's headers are not changed).</summary>
    public static Headers Inject(Activity activity, Headers? headers)
    {
        var traced = new Headers();
        if (headers is not null)
        {
            foreach (var header in headers)
            {
                if (header.Key is not (ReliableKafkaTelemetry.TraceParentHeader or ReliableKafkaTelemetry.TraceStateHeader))
                {
                    traced.Add(header.Key, header.GetValueBytes());
                }
            }
        }

        traced.Add(ReliableKafkaTelemetry.TraceParentHeader, Encoding.ASCII.GetBytes(activity.Id!));
        if (activity.TraceStateString is { Length: > 0 } state)
        {
            traced.Add(ReliableKafkaTelemetry.TraceStateHeader, Encoding.ASCII.GetBytes(state));
        }

        return traced;
    }
}
