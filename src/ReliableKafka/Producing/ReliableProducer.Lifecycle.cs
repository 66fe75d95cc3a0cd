using Confluent.Kafka;
using ReliableKafka.Configuration;
using ReliableKafka.Producing;
using ReliableKafka.Telemetry;

namespace ReliableKafka;

/// <content>The client's lifecycle: creation, replacement after a fatal error, retirement, abandonment and dispose.</content>
public sealed partial class ReliableProducer<TKey, TValue>
{
    /// <summary>
    /// Flushes for at most <see cref="ReliableProducerOptions.ShutdownTimeout"/>, then gives every message still in
    /// flight a Failed outcome (possibly persisted) and logs how many there were. Nothing is dropped in silence.
    /// </summary>
    /// <returns>A task that completes when the producer is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var started = _time.GetTimestamp();
        ProducerInstance instance;
        lock (_replaceGate)
        {
            instance = _current;
        }

        var timeout = _options.ShutdownTimeout;
        await Task.Run(() => instance.Client.Flush(timeout)).ConfigureAwait(false);
        await WaitForDeadLettersAsync(started, timeout).ConfigureAwait(false);

        var remaining = timeout - _time.GetElapsedTime(started);
        if (Abandon(instance, ErrorCode.Local_Destroy, $"The producer was disposed before the message was acknowledged (waited {timeout.TotalSeconds:0.#} s)", "shutdown", started, remaining))
        {
            instance.Client.Dispose();
        }

        _deadLetters.Dispose();
        ReliableKafkaTelemetry.Unregister(this);
    }

    /// <summary>Same as <see cref="DisposeAsync"/>, blocking.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private ProducerInstance CreateInstance()
    {
        var instance = new ProducerInstance(Interlocked.Increment(ref _instances));
        var builder = new ProducerBuilder<PendingDelivery, PendingDelivery>(_config)
            .SetKeySerializer(NodeSerializer.Keys)
            .SetValueSerializer(NodeSerializer.Values)
            .SetLogHandler((_, message) =>
            {
                if (message.Level <= SyslogLevel.Warning)
                {
                    Log.ClientError(_logger, _tags.Producer, ErrorCode.NoError, _redactor.Redact(message.Message));
                }
            })
            .SetErrorHandler((_, error) =>
            {
                if (error.IsFatal)
                {
                    Replace(instance, error);
                }
                else
                {
                    Log.ClientError(_logger, _tags.Producer, error.Code, _redactor.Redact(error.Reason));
                }
            });
        if (_config.StatisticsIntervalMs is > 0)
        {
            builder.SetStatisticsHandler((_, json) => instance.Statistics = ClientStatistics.Parse(json));
        }

        try
        {
            instance.Client = builder.Build();
        }
        catch (Exception e) when (e is KafkaException or ArgumentException or InvalidOperationException)
        {
            var finding = new ConfigFinding(RuleIds.InvalidValue, FindingSeverity.Error, "",
                $"librdkafka rejected the configuration: {_redactor.Redact(e.Message)}.",
                "Correct the property it names (see librdkafka's CONFIGURATION.md for allowed values).");
            throw new ReliableKafkaConfigurationException($"The {_options.Profile} producer configuration of '{_tags.Producer}'", [finding]);
        }

        return instance;
    }

    /// <summary>Replaces a client instance that hit a fatal error; its messages get Failed outcomes.</summary>
    private void Replace(ProducerInstance failed, Error error)
    {
        ProducerInstance replacement;
        lock (_replaceGate)
        {
            if (failed.FatalError is not null)
            {
                return;
            }

            failed.FatalError = error;
            if (Volatile.Read(ref _disposed) != 0 || _current != failed)
            {
                return;
            }

            replacement = CreateInstance();
            Volatile.Write(ref _current, replacement);
        }

        ReliableKafkaTelemetry.ReplacedCounter.Add(1, new KeyValuePair<string, object?>(ReliableKafkaTelemetry.TagProducer, _tags.Producer));
        Log.Replacing(_logger, _tags.Producer, failed.Number, error.Code, _redactor.Redact(error.Reason), replacement.Number);
        _ = Task.Run(() => Retire(failed));
    }

    private void Retire(ProducerInstance failed)
    {
        var started = _time.GetTimestamp();
        failed.Client.Flush(ReliableProducerDefaults.RetireTimeout);
        var fatal = failed.FatalError!;
        if (Abandon(failed, fatal.Code, $"The client instance failed with a fatal error ({fatal.Code}: {_redactor.Redact(fatal.Reason)}) and was replaced before it reported this message; publish it again", "the client instance was replaced", started, ReliableProducerDefaults.RetireTimeout))
        {
            failed.Client.Dispose();
        }
    }

    /// <summary>
    /// Closes the instance to new messages and gives every message it still holds a Failed outcome. Returns false when
    /// a publishing thread stayed inside Produce past <paramref name="gateTimeout"/>: the client must then be left undisposed.
    /// </summary>
    private bool Abandon(ProducerInstance instance, ErrorCode code, string reason, string moment, long started, TimeSpan gateTimeout)
    {
        var left = instance.Pending.CloseAndClaimAll(gateTimeout > TimeSpan.Zero ? gateTimeout : TimeSpan.FromMilliseconds(100), out var drained);
        if (left.Count > 0)
        {
            Log.Abandoned(_logger, left.Count, _tags.Producer, moment, _time.GetElapsedTime(started).TotalMilliseconds);
            foreach (var node in left)
            {
                Finish(node, DeliveryOutcome.Failed(node.Topic, -1, code, reason, PersistenceStatus.PossiblyPersisted,
                    FailureKind.Retriable, FailureDisposition.ReturnedForRetry, Since(node.StartedAt)));
            }
        }

        if (!drained)
        {
            Log.ClientError(_logger, _tags.Producer, code, $"a publishing thread is still blocked in Produce after {moment}; the client instance {instance.Number} is left open rather than disposed under it");
        }

        return drained;
    }
}
