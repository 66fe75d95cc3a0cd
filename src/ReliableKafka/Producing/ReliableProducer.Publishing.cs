using System.Diagnostics;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using ReliableKafka.Producing;
using ReliableKafka.Telemetry;

namespace ReliableKafka;

/// <content>The three publish paths (task, stateful callback, callback) and the hand-over to the client.</content>
public sealed partial class ReliableProducer<TKey, TValue>
{
    /// <summary>
    /// Publishes one message and returns its outcome when the cluster acknowledges it or it fails.
    /// The task never faults for a delivery failure: it returns a Failed outcome.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="key">The key (decides the partition; events of one key stay in order).</param>
    /// <param name="value">The value.</param>
    /// <param name="headers">Headers, or null.</param>
    /// <param name="cancellationToken">
    /// Stops the wait, not the send: once the message is handed to the client, cancelling returns a Failed outcome
    /// with <see cref="FailureDisposition.WaitCancelled"/> and <see cref="PersistenceStatus.PossiblyPersisted"/>, and
    /// the message may still be delivered. Cancelled before the hand-over, it throws and nothing is sent.
    /// </param>
    /// <returns>The outcome.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the message was handed over.</exception>
    /// <exception cref="ObjectDisposedException">The producer was disposed.</exception>
    public Task<DeliveryOutcome> PublishAsync(string topic, TKey key, TValue value, Headers? headers = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var node = new TaskDelivery();
        if (!Prepare(node, topic, key, value, headers))
        {
            return node.Task;
        }

        node.CancelWaitOn(cancellationToken, _waitCancelled);
        Send(node);
        return node.Task;
    }

    /// <summary>
    /// The high-throughput path: publishes one message without a task; <paramref name="onOutcome"/> gets its outcome
    /// on the client's delivery thread (keep it short, and do not block). Pass a static lambda and put what it needs
    /// in <paramref name="state"/> to publish without closures.
    /// </summary>
    /// <typeparam name="TState">What the callback needs.</typeparam>
    /// <param name="topic">The topic.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="headers">Headers, or null.</param>
    /// <param name="state">Passed to <paramref name="onOutcome"/>.</param>
    /// <param name="onOutcome">Called exactly once with the outcome.</param>
    /// <exception cref="ObjectDisposedException">The producer was disposed.</exception>
    public void Publish<TState>(string topic, TKey key, TValue value, Headers? headers, TState state, Action<DeliveryOutcome, TState> onOutcome)
    {
        ArgumentNullException.ThrowIfNull(onOutcome);
        var node = new CallbackDelivery<TState>(state, onOutcome);
        if (Prepare(node, topic, key, value, headers))
        {
            Send(node);
        }
    }

    /// <summary>Publishes one message without a task; <paramref name="onOutcome"/> (if any) gets its outcome.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="headers">Headers, or null.</param>
    /// <param name="onOutcome">Called exactly once with the outcome, or null: failures are still logged, counted and dead-lettered.</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The stateful overload takes a state and a callback that cannot be optional; this one is the short form.")]
    public void Publish(string topic, TKey key, TValue value, Headers? headers = null, Action<DeliveryOutcome>? onOutcome = null) =>
        Publish(topic, key, value, headers, onOutcome, static (outcome, callback) => callback?.Invoke(outcome));

    /// <summary>Waits until every message handed over so far has an outcome, or the timeout passes.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>How many messages are still in flight.</returns>
    public int Flush(TimeSpan timeout)
    {
        var instance = Volatile.Read(ref _current);
        instance.Client.Flush(timeout);
        return instance.Pending.Count;
    }

    private bool Prepare(PendingDelivery node, string topic, TKey key, TValue value, Headers? headers)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        node.Topic = topic;
        node.StartedAt = Now();
        // byte[] with the default serializer is the bytes themselves: no call.
        var keyBytes = _rawKeys ? Unsafe.As<TKey, byte[]?>(ref key) : null;
        var valueBytes = _rawValues ? Unsafe.As<TValue, byte[]?>(ref value) : null;
        if ((!_rawKeys && !TrySerialize(node, _keySerializer, key, MessageComponentType.Key, headers, out keyBytes))
            || (!_rawValues && !TrySerialize(node, _valueSerializer, value, MessageComponentType.Value, headers, out valueBytes)))
        {
            return false;
        }

        node.KeyBytes = keyBytes;
        node.ValueBytes = valueBytes;
        node.Headers = ReliableKafkaTelemetry.Source.HasListeners() ? StartActivity(node, headers) : headers;
        return true;
    }

    /// <summary>
    /// Starts the message's producer span (a child of the caller's current activity) and returns the headers to send:
    /// a copy of the caller's with the span's W3C trace context, so a consumer continues the trace. The caller's own
    /// Activity.Current is left as it was.
    /// </summary>
    private Headers? StartActivity(PendingDelivery node, Headers? headers)
    {
        // The parent: the caller's current activity; without one, the trace context the message already carries (an
        // outbox event keeps the context of the request that wrote it, so the relay's publish continues that trace).
        var previous = Activity.Current;
        var parent = previous?.Context ?? TraceContext.Extract(headers);
        var activity = ReliableKafkaTelemetry.Source.StartActivity($"publish {node.Topic}", ActivityKind.Producer, parent);
        Activity.Current = previous;
        if (activity is null)
        {
            return headers;
        }

        node.Activity = activity;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag(ReliableKafkaTelemetry.TagTopic, node.Topic);
            activity.SetTag("messaging.client.id", _tags.Producer);
            if (headers is not null && headers.TryGetLastBytes(DeadLetters.DeadLetterHeaders.ApplicationEventId, out var eventId))
            {
                activity.SetTag("messaging.message.id", System.Text.Encoding.UTF8.GetString(eventId));
            }
        }

        return TraceContext.Inject(activity, headers);
    }

    /// <summary>Serializes a key or value; on failure gives the message its Failed outcome and returns false.</summary>
    private bool TrySerialize<T>(PendingDelivery node, ISerializer<T> serializer, T data, MessageComponentType component, Headers? headers, out byte[]? bytes)
    {
        try
        {
            bytes = serializer.Serialize(data, new SerializationContext(component, node.Topic, headers));
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var (code, what) = component == MessageComponentType.Key ? (ErrorCode.Local_KeySerialization, "key") : (ErrorCode.Local_ValueSerialization, "value");
            Finish(node, DeliveryOutcome.Failed(node.Topic, -1, code, $"The {what} could not be serialized: {e.Message}",
                PersistenceStatus.NotPersisted, FailureKind.Fatal, FailureDisposition.Unhandled, TimeSpan.Zero));
            bytes = null;
            return false;
        }
    }

    private void Send(PendingDelivery node)
    {
        for (var attempt = 0; ; attempt++)
        {
            var instance = Volatile.Read(ref _current);
            if (!instance.Pending.TryEnter(out var token))
            {
                // The instance is closing: disposed, or replaced (then _current already points to its successor).
                if (Volatile.Read(ref _disposed) != 0 || attempt > 100)
                {
                    Finish(node, DeliveryOutcome.Failed(node.Topic, -1, ErrorCode.Local_Destroy,
                        "The producer was disposed before the message was handed to the client", PersistenceStatus.NotPersisted,
                        FailureKind.Retriable, FailureDisposition.ReturnedForRetry, Since(node.StartedAt)));
                    return;
                }

                Thread.Yield();
                continue;
            }

            try
            {
                node.Instance = instance;
                node.Claimed = 0;
                instance.Pending.Add(token, node);
                try
                {
                    instance.Client.Produce(node.Topic, node, _onReport);
                    if (ReliableKafkaTelemetry.PublishedCounter.Enabled)
                    {
                        ReliableKafkaTelemetry.PublishedCounter.Add(1, _tags.With(node.Topic));
                    }

                    return;
                }
                catch (KafkaException e)
                {
                    if (!PendingRegistry.TryClaim(node))
                    {
                        return;
                    }

                    if ((e.Error.IsFatal || e.Error.Code == ErrorCode.Local_Fatal) && attempt == 0)
                    {
                        PendingRegistry.Forget(node);
                        Replace(instance, e.Error);
                        continue;
                    }

                    Fail(node, -1, e.Error.Code, e.Error.Reason, PersistenceStatus.NotPersisted);
                    return;
                }
            }
            finally
            {
                PendingRegistry.Exit(token);
            }
        }
    }
}
