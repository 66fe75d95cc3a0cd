using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using ReliableKafka.Producing;
using ReliableKafka.Telemetry;

namespace ReliableKafka;

/// <content>Delivery reports and outcomes: each message's one outcome, counted, logged and handed over.</content>
public sealed partial class ReliableProducer<TKey, TValue>
{
    private void OnReport(DeliveryReport<PendingDelivery, PendingDelivery> report)
    {
        if (report.Message?.Key is not { } node)
        {
            // Only possible if dotnet.producer.delivery.report.fields lost "key"; the constructor prevents that.
            Log.ClientError(_logger, _tags.Producer, report.Error.Code, "a delivery report arrived without its message; its outcome is reported at dispose");
            return;
        }

        if (!PendingRegistry.TryClaim(node))
        {
            return;
        }

        var error = report.Error;
        if (error.Code == ErrorCode.NoError)
        {
            var latency = Since(node.StartedAt);
            var delivered = DeliveryOutcome.Delivered(node.Topic, report.Partition.Value, report.Offset.Value, latency);
            if (ReliableKafkaTelemetry.DeliveredCounter.Enabled || ReliableKafkaTelemetry.DurationHistogram.Enabled)
            {
                var tags = _tags.With(node.Topic);
                ReliableKafkaTelemetry.DeliveredCounter.Add(1, tags);
                ReliableKafkaTelemetry.DurationHistogram.Record(latency.TotalMilliseconds, tags);
            }

            if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.Delivered(_logger, node.Topic, delivered.Partition, delivered.Offset, latency.TotalMilliseconds, _tags.Producer);
            }

            Complete(node, delivered);
            return;
        }

        var instance = node.Instance!;
        if (error.IsFatal || error.Code == ErrorCode.Local_Fatal)
        {
            Replace(instance, error);
        }

        if (instance.FatalError is { } fatal
            && (error.IsFatal || error.Code is ErrorCode.Local_Fatal or ErrorCode.Local_PurgeQueue or ErrorCode.Local_PurgeInflight || error.Code == fatal.Code))
        {
            Finish(node, DeliveryOutcome.Failed(
                node.Topic, report.Partition.Value, error.Code,
                $"The client instance failed with a fatal error ({fatal.Code}: {_redactor.Redact(fatal.Reason)}) and was replaced; publish the message again",
                report.Status, FailureKind.Retriable, FailureDisposition.ReturnedForRetry, Since(node.StartedAt)));
            return;
        }

        Fail(node, report.Partition.Value, error.Code, error.Reason, report.Status);
    }

    private void Fail(PendingDelivery node, int partition, ErrorCode code, string reason, PersistenceStatus persistence)
    {
        var kind = ErrorClassifier.Classify(code);
        reason = _redactor.Redact(reason);
        if (kind == FailureKind.Retriable || (kind == FailureKind.Configuration && !_options.DeadLetters.IncludeConfigurationErrors))
        {
            Finish(node, DeliveryOutcome.Failed(node.Topic, partition, code, reason, persistence, kind, FailureDisposition.ReturnedForRetry, Since(node.StartedAt)));
            return;
        }

        if (!_deadLetters.Enabled)
        {
            Finish(node, DeliveryOutcome.Failed(node.Topic, partition, code, reason, persistence, kind, FailureDisposition.Unhandled, Since(node.StartedAt)));
            return;
        }

        _ = DeadLetterAsync(node, partition, code, reason, persistence, kind);
    }

    /// <summary>Counts, logs and hands over a failed outcome.</summary>
    private void Finish(PendingDelivery node, DeliveryOutcome outcome)
    {
        if (ReliableKafkaTelemetry.FailedCounter.Enabled)
        {
            var tags = _tags.With(outcome.Topic);
            tags.Add(ReliableKafkaTelemetry.TagErrorKind, outcome.Kind.ToString().ToLowerInvariant());
            tags.Add(ReliableKafkaTelemetry.TagErrorCode, outcome.Error.ToString());
            ReliableKafkaTelemetry.FailedCounter.Add(1, tags);
        }

        Log.Failed(_logger, outcome.Topic, outcome.Error, outcome.Kind, outcome.Persistence, DescribeKey(node.KeyBytes), outcome.Reason ?? "", outcome.Disposition, _tags.Producer);
        Complete(node, outcome);
    }

    private void Complete(PendingDelivery node, in DeliveryOutcome outcome)
    {
        if (node.Activity is { } activity)
        {
            node.Activity = null;
            StopActivity(activity, outcome);
        }

        try
        {
            node.Complete(outcome);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.CallbackThrew(_logger, e, _tags.Producer);
        }
    }

    /// <summary>Ends a message's producer span with its outcome: where it landed, or the error and what was done with it.</summary>
    private static void StopActivity(Activity activity, in DeliveryOutcome outcome)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("messaging.destination.partition.id", outcome.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (outcome.IsDelivered)
            {
                activity.SetTag("messaging.kafka.offset", outcome.Offset);
            }
            else
            {
                activity.SetTag("error.type", outcome.Error.ToString());
                activity.SetTag("reliablekafka.disposition", outcome.Disposition.ToString());
                activity.SetTag("reliablekafka.persistence", outcome.Persistence.ToString());
            }
        }

        activity.SetStatus(outcome.IsDelivered ? ActivityStatusCode.Ok : ActivityStatusCode.Error, outcome.IsDelivered ? null : outcome.Reason);
        activity.Stop();
    }

    /// <summary>A timestamp for latencies; the system clock is read directly on the hot path.</summary>
    private long Now() => _systemClock ? Stopwatch.GetTimestamp() : _time.GetTimestamp();

    private TimeSpan Since(long started) => _systemClock ? Stopwatch.GetElapsedTime(started) : _time.GetElapsedTime(started);

    private DeliveryOutcome WaitCancelled(TaskDelivery node)
    {
        var latency = Since(node.StartedAt);
        Log.WaitCancelled(_logger, node.Topic, latency.TotalMilliseconds);
        return DeliveryOutcome.Failed(
            node.Topic, -1, ErrorCode.Local_InProgress,
            "The caller stopped waiting; the message was handed to the client and may still be delivered. Its final outcome is logged and counted",
            PersistenceStatus.PossiblyPersisted, FailureKind.Retriable, FailureDisposition.WaitCancelled, latency);
    }

    private static string DescribeKey(byte[]? key)
    {
        if (key is null)
        {
            return "(null)";
        }

        if (key.Length <= 64)
        {
            try
            {
                var text = new UTF8Encoding(false, true).GetString(key);
                if (!text.Any(char.IsControl))
                {
                    return text;
                }
            }
            catch (DecoderFallbackException)
            {
                // Not text: shown as hex below.
            }
        }

        return "0x" + Convert.ToHexString(key.AsSpan(0, Math.Min(key.Length, 16))) + (key.Length > 16 ? "..." : "");
    }
}
