using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReliableKafka.Configuration;
using ReliableKafka.Telemetry;

namespace ReliableKafka;

/// <summary>
/// Writes several messages, to several topics, atomically with a Kafka transaction: read_committed consumers see all
/// of them or none. Each call is one transaction and returns a typed <see cref="TransactionOutcome"/>: Committed (with
/// every message's offset), Aborted (nothing visible: safe to publish again), Fenced (another instance owns the
/// transactional.id: stop), or Unknown (the commit's result could not be learned). It follows librdkafka's rules: an
/// abortable error aborts, a retriable commit is retried, a fatal error fences or replaces the client. Calls are
/// serialized: one transaction at a time per publisher (a transactional producer cannot run two); callers wait.
/// </summary>
/// <typeparam name="TKey">The key type (a Confluent.Kafka default serializer, or one given to the constructor).</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed partial class TransactionalPublisher<TKey, TValue> : IAsyncDisposable, IDisposable
{
    /// <summary>How many times a retriable commit or abort is tried before the outcome is Unknown.</summary>
    private const int Attempts = 3;

    private readonly Dictionary<string, string> _config;
    private readonly TransactionalPublisherOptions _options;
    private readonly ILogger _logger;
    private readonly ISerializer<TKey>? _keySerializer;
    private readonly ISerializer<TValue>? _valueSerializer;
    private readonly SecretRedactor _redactor;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _name;
    private IProducer<TKey, TValue>? _producer;
    private Error? _fenced;
    private bool _disposed;

    /// <summary>Builds the publisher after validating its configuration; nothing connects until <see cref="InitializeAsync"/> or the first publish.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Where it logs; nowhere when null.</param>
    /// <param name="keySerializer">The key serializer; Confluent.Kafka's default for <typeparamref name="TKey"/> when null.</param>
    /// <param name="valueSerializer">The value serializer; Confluent.Kafka's default for <typeparamref name="TValue"/> when null.</param>
    /// <exception cref="ReliableKafkaConfigurationException">The configuration breaks a rule; the message lists every problem and its fix.</exception>
    public TransactionalPublisher(TransactionalPublisherOptions options, ILogger? logger = null, ISerializer<TKey>? keySerializer = null, ISerializer<TValue>? valueSerializer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _keySerializer = keySerializer;
        _valueSerializer = valueSerializer;
        _config = Configure(options);
        _redactor = new SecretRedactor(_config);
        _name = string.IsNullOrWhiteSpace(options.Name) ? _config[KafkaProperties.TransactionalId] : options.Name;
    }

    /// <summary>True once another instance fenced this one: it publishes nothing more.</summary>
    public bool IsFenced => Volatile.Read(ref _fenced) is not null;

    /// <summary>
    /// Registers the transactional.id with its coordinator (InitTransactions): fences any older instance with the same
    /// id and aborts what it left open. The first publish does it when this is not called.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the client may still finish it).</param>
    /// <returns>A task that completes when the publisher is ready.</returns>
    /// <exception cref="KafkaException">The coordinator could not be reached within the operation timeout, or this instance is fenced.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await Task.Run(Ready, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes <paramref name="messages"/> in one transaction.</summary>
    /// <param name="messages">The messages, to any topics; at least one.</param>
    /// <param name="cancellationToken">Cancels the wait for the turn, or the transaction before its commit (then it is aborted).</param>
    /// <returns>The outcome; never an exception for a Kafka failure.</returns>
    public async Task<TransactionOutcome> PublishAsync(IReadOnlyList<TransactionalMessage<TKey, TValue>> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfZero(messages.Count);
        var started = Stopwatch.GetTimestamp();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var activity = ReliableKafkaTelemetry.Source.StartActivity("transaction", ActivityKind.Producer);
            activity?.SetTag("messaging.system", "kafka");
            activity?.SetTag("messaging.batch.message_count", messages.Count);
            activity?.SetTag(ReliableKafkaTelemetry.TagProducer, _name);
            var outcome = await Task.Run(() => Run(messages, cancellationToken), CancellationToken.None).ConfigureAwait(false);
            outcome = outcome with { Latency = Stopwatch.GetElapsedTime(started) };
            activity?.SetTag(ReliableKafkaTelemetry.TagOutcome, outcome.Status.ToString());
            activity?.SetStatus(outcome.IsCommitted ? ActivityStatusCode.Ok : ActivityStatusCode.Error, outcome.IsCommitted ? null : outcome.Reason);

            Record(outcome);
            return outcome;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Disposes the client; a transaction never committed is aborted by the coordinator (its timeout) or by the next instance.</summary>
    /// <returns>A task that completes when disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var producer = _producer;
            _producer = null;
            if (producer is not null)
            {
                await Task.Run(producer.Dispose).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Same as <see cref="DisposeAsync"/>, blocking.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static Dictionary<string, string> Configure(TransactionalPublisherOptions options)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        if (!string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            settings[KafkaProperties.BootstrapServers] = options.BootstrapServers;
        }

        settings[KafkaProperties.TransactionalId] = options.TransactionalId?.Trim() ?? string.Empty;
        settings[KafkaProperties.TransactionTimeout] = ((long)options.TransactionTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        settings.TryAdd(KafkaProperties.EnableIdempotence, "true");
        settings.TryAdd(KafkaProperties.Acks, "all");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.OperationTimeout, TimeSpan.Zero, nameof(options));
        var findings = ProducerConfigValidator.Validate(settings, profile: null);
        if (findings.Any(static f => f.Severity == FindingSeverity.Error))
        {
            throw new ReliableKafkaConfigurationException("The transactional publisher configuration", findings);
        }

        return settings.Where(static p => p.Value is not null).ToDictionary(static p => p.Key, static p => p.Value!, StringComparer.Ordinal);
    }

    /// <summary>The client, initialised; a new one when the last failed fatally. Throws when fenced or when InitTransactions fails.</summary>
    private IProducer<TKey, TValue> Ready()
    {
        if (Volatile.Read(ref _fenced) is { } fenced)
        {
            throw new KafkaException(fenced);
        }

        if (_producer is { } ready)
        {
            return ready;
        }

        var builder = new ProducerBuilder<TKey, TValue>(_config)
            .SetLogHandler((_, message) =>
            {
                if (message.Level <= SyslogLevel.Warning)
                {
                    LogClient(_logger, _name, _redactor.Redact(message.Message));
                }
            })
            .SetErrorHandler((_, error) => LogClient(_logger, _name, _redactor.Redact(error.Reason)));
        if (_keySerializer is not null)
        {
            builder.SetKeySerializer(_keySerializer);
        }

        if (_valueSerializer is not null)
        {
            builder.SetValueSerializer(_valueSerializer);
        }

        var producer = builder.Build();
        try
        {
            producer.InitTransactions(_options.OperationTimeout);
        }
        catch (KafkaException e)
        {
            producer.Dispose();
            if (IsFencing(e.Error))
            {
                Fence(e.Error);
            }

            throw;
        }

        _producer = producer;
        return producer;
    }

    /// <summary>
    /// Runs the transaction, and once more when it aborted only because the client had to recover its sequence numbers
    /// (a message refused in an earlier transaction leaves a gap: librdkafka fails the next transaction with
    /// OUT_OF_ORDER_SEQUENCE_NUMBER, aborts it and bumps its epoch). Nothing of the aborted attempt is visible, and none
    /// of these messages was refused, so the second attempt is safe and is what the caller would do.
    /// </summary>
    private TransactionOutcome Run(IReadOnlyList<TransactionalMessage<TKey, TValue>> messages, CancellationToken cancellationToken)
    {
        var outcome = RunOnce(messages, cancellationToken);
        if (outcome.Status == TransactionStatus.Aborted && outcome.Error?.Code == ErrorCode.OutOfOrderSequenceNumber && !cancellationToken.IsCancellationRequested)
        {
            LogRetryTransaction(_logger, _name, outcome.Reason);
            outcome = RunOnce(messages, cancellationToken);
        }

        return outcome;
    }

    private TransactionOutcome RunOnce(IReadOnlyList<TransactionalMessage<TKey, TValue>> messages, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _fenced) is { } fenced)
        {
            return Fenced(fenced);
        }

        IProducer<TKey, TValue> producer;
        try
        {
            producer = Ready();
        }
        catch (KafkaException e)
        {
            return IsFenced ? Fenced(e.Error) : Outcome(TransactionStatus.Aborted, e.Error, $"the transactional.id could not be initialised ({Text(e.Error)}); nothing was written. Publish again once the cluster answers.");
        }

        var delivered = new DeliveryResult<TKey, TValue>?[messages.Count];
        Error? refused = null;
        try
        {
            producer.BeginTransaction();
            for (var i = 0; i < messages.Count; i++)
            {
                var index = i;
                producer.Produce(messages[i].Topic, messages[i].Message, report =>
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.CompareExchange(ref refused, report.Error, null);
                    }
                    else
                    {
                        delivered[index] = report;
                    }
                });
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (Exception e) when (e is KafkaException or OperationCanceledException or ArgumentException or InvalidOperationException)
        {
            var error = (e as KafkaException)?.Error;
            return Abort(producer, error ?? refused, e is OperationCanceledException
                ? "the call was cancelled before the commit; the transaction was aborted"
                : $"a message could not be handed to the client ({Text(error, e.Message)}); the transaction was aborted");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                producer.CommitTransaction(_options.OperationTimeout);
                return new TransactionOutcome { Status = TransactionStatus.Committed, Offsets = [.. delivered.Select((r, i) => r?.TopicPartitionOffset ?? new TopicPartitionOffset(messages[i].Topic, Partition.Any, Offset.Unset))] };
            }
            catch (KafkaTxnRequiresAbortException e)
            {
                // A refused message names the cause; messages purged because of another failure do not.
                var cause = refused is { Code: not ErrorCode.Local_PurgeQueue } ? refused : e.Error;
                return Abort(producer, cause, $"the commit failed ({Text(cause)}) and the transaction was aborted");
            }
            catch (KafkaRetriableException e) when (attempt < Attempts)
            {
                LogRetry(_logger, _name, attempt, _redactor.Redact(e.Error.Reason));
            }
            catch (KafkaException e) when (IsFencing(e.Error))
            {
                Fence(e.Error);
                return Fenced(e.Error);
            }
            catch (KafkaException e)
            {
                // A client that failed fatally cannot go on, and one still inside its commit cannot begin another
                // transaction: either way the next call starts a new client, whose InitTransactions finishes this
                // transaction the way the coordinator decided it (commits it if it received the commit, aborts it if not).
                if (e.Error.IsFatal)
                {
                    Replace(e.Error);
                }
                else
                {
                    Unfinished(e.Error);
                }

                return Outcome(TransactionStatus.Unknown, e.Error,
                    $"the commit's result could not be learned ({Text(e.Error)}): the transaction may have committed, and read_committed consumers see it whole or not at all. Publish it again only if consumers drop event ids they have already processed.");
            }
        }
    }

    private TransactionOutcome Abort(IProducer<TKey, TValue> producer, Error? cause, string reason)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                producer.AbortTransaction(_options.OperationTimeout);
                return Outcome(TransactionStatus.Aborted, cause, reason + "; nothing of it is visible to read_committed consumers, so publishing it again is safe.");
            }
            catch (KafkaRetriableException) when (attempt < Attempts)
            {
                // librdkafka: a retriable abort may be retried.
            }
            catch (KafkaException e) when (IsFencing(e.Error))
            {
                Fence(e.Error);
                return Fenced(e.Error);
            }
            catch (KafkaException e)
            {
                // The transaction was never committed and this client cannot commit it now: the next instance's
                // InitTransactions (or the coordinator's timeout) aborts it, so it is never visible.
                Replace(e.Error);
                return Outcome(TransactionStatus.Aborted, cause ?? e.Error, reason + $"; the abort failed ({Text(e.Error)}), the client is replaced and the transaction, never committed, is aborted by the next one or by its timeout. Publishing it again is safe.");
            }
        }
    }

    /// <summary>librdkafka reports being fenced as a fatal _FENCED, or the broker's PRODUCER_FENCED / INVALID_PRODUCER_EPOCH.</summary>
    private static bool IsFencing(Error error) => error.Code is ErrorCode.Local_Fenced or ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch;

    private void Fence(Error error)
    {
        Interlocked.CompareExchange(ref _fenced, error, null);
        var producer = _producer;
        _producer = null;
        producer?.Dispose();
        LogFenced(_logger, _name, _redactor.Redact(error.Reason));
    }

    /// <summary>Drops a client that failed fatally; the next call starts a new one (its InitTransactions aborts what this left open).</summary>
    private void Replace(Error error)
    {
        var producer = _producer;
        _producer = null;
        producer?.Dispose();
        LogReplaced(_logger, _name, _redactor.Redact(error.Reason));
    }

    /// <summary>Drops a client whose commit never finished; the next call starts a new one.</summary>
    private void Unfinished(Error error)
    {
        var producer = _producer;
        _producer = null;
        producer?.Dispose();
        LogUnfinished(_logger, _name, _redactor.Redact(error.Reason));
    }

    private TransactionOutcome Fenced(Error error) => Outcome(TransactionStatus.Fenced, error,
        $"another instance with transactional.id '{_config[KafkaProperties.TransactionalId]}' started ({Text(error)}): this one may no longer write, and its open transaction was aborted. Stop this instance; each instance needs its own transactional.id.");

    private TransactionOutcome Outcome(TransactionStatus status, Error? error, string reason) => new() { Status = status, Error = error, Reason = _redactor.Redact(reason) };

    private static string Text(Error? error, string? fallback = null) =>
        error is null ? fallback ?? "no error given" : $"{error.Code}: {error.Reason}";
}
