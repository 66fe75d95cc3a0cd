using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReliableKafka.Configuration;
using ReliableKafka.DeadLetters;
using ReliableKafka.Producing;
using ReliableKafka.Telemetry;

namespace ReliableKafka;

/// <summary>
/// A Kafka producer that gives every message exactly one <see cref="DeliveryOutcome"/> and drops nothing in silence.
/// It builds its configuration from a <see cref="ReliabilityProfile"/> (validated before librdkafka sees it),
/// classifies failures, dead-letters fatal ones (spilling to a local file when the dead-letter topic can't be
/// written), replaces its client after a librdkafka fatal error, records metrics and logs, and on dispose reports
/// every message it could not deliver.
/// </summary>
/// <typeparam name="TKey">The key type; string, byte[], int, long, float, double and Null have default serializers.</typeparam>
/// <typeparam name="TValue">The value type; as for keys.</typeparam>
public sealed class ReliableProducer<TKey, TValue> : IAsyncDisposable, IDisposable, ITelemetrySource
{
    private const string DeliveryReportFields = "dotnet.producer.delivery.report.fields";

    private readonly ReliableProducerOptions _options;
    private readonly ProducerConfig _config;
    private readonly ISerializer<TKey> _keySerializer;
    private readonly ISerializer<TValue> _valueSerializer;
    private readonly bool _rawKeys;
    private readonly bool _rawValues;
    private readonly bool _systemClock;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly ProducerTags _tags;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly Func<TaskDelivery, DeliveryOutcome> _waitCancelled;
    private readonly Action<DeliveryReport<PendingDelivery, PendingDelivery>> _onReport;
    private readonly Lock _replaceGate = new();
    private ProducerInstance _current;
    private int _instances;
    private int _disposed;
    private int _deadLettering;

    /// <summary>Builds the producer. The configuration is validated first; nothing connects until the first publish.</summary>
    /// <param name="options">Profile, brokers, overrides and dead-letter settings.</param>
    /// <param name="logger">Where logs go; none when null.</param>
    /// <param name="keySerializer">Key serializer; the Confluent.Kafka default for <typeparamref name="TKey"/> when null.</param>
    /// <param name="valueSerializer">Value serializer; the Confluent.Kafka default for <typeparamref name="TValue"/> when null.</param>
    /// <param name="timeProvider">Clock for latencies and dead-letter timestamps; the system clock when null.</param>
    /// <exception cref="ReliableKafkaConfigurationException">The configuration breaks a rule; the message lists every error.</exception>
    public ReliableProducer(
        ReliableProducerOptions options,
        ILogger? logger = null,
        ISerializer<TKey>? keySerializer = null,
        ISerializer<TValue>? valueSerializer = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _keySerializer = keySerializer ?? DefaultSerializers.For<TKey>();
        _valueSerializer = valueSerializer ?? DefaultSerializers.For<TValue>();
        _rawKeys = keySerializer is null && typeof(TKey) == typeof(byte[]);
        _rawValues = valueSerializer is null && typeof(TValue) == typeof(byte[]);
        _systemClock = timeProvider is null || ReferenceEquals(timeProvider, TimeProvider.System);
        _tags = new ProducerTags(options.EffectiveName, options.Profile.ToString());

        var merged = ProducerConfigFactory.Merge(options.Profile, options.BootstrapServers, options.Settings, out var asWritten);
        var findings = ProducerConfigValidator.Validate(asWritten, options.Profile);
        if (findings.Any(static f => f.Severity == FindingSeverity.Error))
        {
            throw new ReliableKafkaConfigurationException($"The {options.Profile} producer configuration of '{options.EffectiveName}'", findings);
        }

        foreach (var finding in findings)
        {
            Log.Finding(_logger, _tags.Producer, finding.ToString());
        }

        _config = new ProducerConfig(merged!);
        _redactor = new SecretRedactor(_config);

        // The report must carry the key: the key is the pending message itself (see PendingDelivery), which holds the
        // bytes, so librdkafka need not copy values or headers back. A user's setting may add fields, never drop the key.
        if (merged.TryGetValue(DeliveryReportFields, out var fields))
        {
            var list = fields.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
            if (!list.Contains("all") && !list.Contains("key"))
            {
                list.Remove("none");
                list.Add("key");
                list.Add("status");
                _config.Set(DeliveryReportFields, string.Join(',', list.Distinct()));
            }
        }
        else
        {
            _config.Set(DeliveryReportFields, "key,status");
        }

        _deadLetters = new DeadLetterPublisher(options.DeadLetters, merged, _logger, _time, _redactor, _tags);
        _waitCancelled = WaitCancelled;
        _onReport = OnReport;
        _current = CreateInstance();
        ReliableKafkaTelemetry.Register(this);
        Log.Started(
            _logger,
            _tags.Producer,
            options.Profile,
            merged.GetValueOrDefault(KafkaProperties.Acks, "all"),
            merged.GetValueOrDefault(KafkaProperties.EnableIdempotence, "false"),
            merged.GetValueOrDefault(KafkaProperties.DeliveryTimeout, "300000"),
            merged.GetValueOrDefault(KafkaProperties.BootstrapServers, ""));
    }

    /// <summary>The producer's name in logs and metrics.</summary>
    public string Name => _tags.Producer;

    /// <summary>The reliability profile.</summary>
    public ReliabilityProfile Profile => _options.Profile;

    /// <summary>The effective librdkafka configuration, secrets masked.</summary>
    public IReadOnlyDictionary<string, string> Configuration =>
        SecretRedactor.Masked(_config).ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal);

    /// <summary>The librdkafka client in use now (tests inject faults through it).</summary>
    internal IClient CurrentClient => Volatile.Read(ref _current).Client;

    /// <summary>1 for the first client instance, incremented by each replacement.</summary>
    internal int InstanceNumber => Volatile.Read(ref _current).Number;

    /// <summary>Messages handed to the client that have no outcome yet.</summary>
    public int InFlight => Volatile.Read(ref _current).Pending.Count;

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
        while (Volatile.Read(ref _deadLettering) > 0 && _time.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), _time).ConfigureAwait(false);
        }

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
        node.Headers = headers;
        return true;
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

    private void Fail(PendingDelivery node, int partition, ErrorCode code, string reason, PersistenceStatus persistence)
    {
        var kind = ErrorClassifier.Classify(code);
        reason = _redactor.Redact(reason);
        if (kind == FailureKind.Retriable)
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

    private async Task DeadLetterAsync(PendingDelivery node, int partition, ErrorCode code, string reason, PersistenceStatus persistence, FailureKind kind)
    {
        Interlocked.Increment(ref _deadLettering);
        try
        {
            var (disposition, location) = await _deadLetters.PublishAsync(node.Topic, partition, node.ToBytesMessage(), code, reason).ConfigureAwait(false);
            Finish(node, DeliveryOutcome.Failed(node.Topic, partition, code, reason, persistence, kind, disposition, Since(node.StartedAt)) with
            {
                DeadLetter = location,
            });
        }
        finally
        {
            Interlocked.Decrement(ref _deadLettering);
        }
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
        try
        {
            node.Complete(outcome);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.CallbackThrew(_logger, e, _tags.Producer);
        }
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
