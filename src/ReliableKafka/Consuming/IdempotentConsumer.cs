using System.Data.Common;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReliableKafka.Configuration;
using ReliableKafka.DeadLetters;
using ReliableKafka.Telemetry;

namespace ReliableKafka.Consuming;

/// <summary>Handles one event inside the transaction that also records it as processed.</summary>
/// <param name="record">The Kafka record.</param>
/// <param name="eventId">Its event id (the <c>event-id</c> header, or topic-partition-offset without one).</param>
/// <param name="transaction">The open transaction: write the effect with it.</param>
/// <param name="cancellationToken">Cancels the handling.</param>
/// <returns>A task that completes when the effect is written (not yet committed).</returns>
public delegate Task IdempotentEventHandler(ConsumeResult<string, string> record, string eventId, DbTransaction transaction, CancellationToken cancellationToken);

/// <summary>
/// A consumer-group member that applies each event exactly once to a database: for each record it opens a
/// transaction, records the event id in <c>rk_processed_events</c> (a duplicate is skipped), runs the handler, commits,
/// and only then stores the offset. Kafka delivers at least once; the table makes the effect happen once.
/// A handler that throws is retried after <see cref="IdempotentConsumerOptions.RetryBackoff"/>; after
/// <see cref="IdempotentConsumerOptions.MaxAttempts"/> failures on one record (a poison record: a tombstone, a value the
/// handler cannot read) the record is dead-lettered with its failure headers, counted and logged, and the consumer moves
/// on. Nothing is skipped without a dead letter: if the dead-letter topic cannot be written, the record is retried.
/// </summary>
public sealed partial class IdempotentConsumer : BackgroundService
{
    private readonly IdempotentConsumerOptions _options;
    private readonly Func<CancellationToken, Task<DbConnection>> _openConnection;
    private readonly IdempotentEventHandler _handler;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private IProducer<string?, string?>? _deadLetters;
    private long _processed;
    private long _duplicates;
    private long _deadLettered;

    /// <summary>Creates a consumer.</summary>
    /// <param name="options">Cluster, group, topics and the consumer's name.</param>
    /// <param name="openConnection">Opens a connection to the database that holds the effects.</param>
    /// <param name="handler">Writes one event's effect.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    public IdempotentConsumer(IdempotentConsumerOptions options, Func<CancellationToken, Task<DbConnection>> openConnection, IdempotentEventHandler handler, ILogger<IdempotentConsumer>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(openConnection);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        _options = options;
        _openConnection = openConnection;
        _handler = handler;
        _logger = logger ?? NullLogger<IdempotentConsumer>.Instance;
        _time = time ?? TimeProvider.System;
        _redactor = new SecretRedactor(options.Settings);
    }

    /// <summary>Events whose effect this consumer committed.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Events skipped because their id was already processed.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Poison records dead-lettered after the handler failed on them <see cref="IdempotentConsumerOptions.MaxAttempts"/> times.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <inheritdoc />
    public override void Dispose()
    {
        _deadLetters?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var connection = await _openConnection(stoppingToken).ConfigureAwait(false))
        {
            await ProcessedEvents.EnsureCreatedAsync(connection, stoppingToken).ConfigureAwait(false);
        }

        // Consume blocks: run the loop on its own thread.
        await Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap().ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = _options.GroupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            ClientId = _options.Name,
        };
        foreach (var (key, value) in _options.Settings)
        {
            config.Set(key, value);
        }

        using var consumer = new ConsumerBuilder<string, string>(config)
            .SetLogHandler((_, message) => LogClient(_logger, message.Level.ToString(), message.Message))
            .Build();
        consumer.Subscribe(_options.Topics);
        LogStarted(_logger, _options.Name, _options.GroupId, string.Join(",", _options.Topics));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<string, string>? record;
                try
                {
                    record = consumer.Consume(stoppingToken);
                }
                catch (ConsumeException e)
                {
                    LogConsumeError(_logger, e.Error.Code, e.Error.Reason);
                    continue;
                }

                if (record is null || record.IsPartitionEOF)
                {
                    continue;
                }

                await HandleUntilDoneAsync(consumer, record, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            try
            {
                consumer.Commit();
            }
            catch (KafkaException)
            {
                // Nothing stored to commit, or the group is gone: the next member re-reads from the last commit.
            }

            consumer.Close();
        }
    }

    private async Task HandleUntilDoneAsync(IConsumer<string, string> consumer, ConsumeResult<string, string> record, CancellationToken stoppingToken)
    {
        var eventId = EventIdOf(record);

        // The process span continues the trace the record carries (as its child, not a link: one record is handled at
        // a time, so the request that wrote the event and this handling are one story); the handler's own spans nest in it.
        using var activity = ReliableKafkaTelemetry.Source.HasListeners()
            ? ReliableKafkaTelemetry.Source.StartActivity($"process {record.Topic}", ActivityKind.Consumer, TraceContext.Extract(record.Message.Headers))
            : null;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag(ReliableKafkaTelemetry.TagTopic, record.Topic);
            activity.SetTag("messaging.destination.partition.id", record.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetTag("messaging.kafka.offset", record.Offset.Value);
            activity.SetTag("messaging.consumer.group.name", _options.GroupId);
            activity.SetTag("messaging.message.id", eventId);
        }

        await HandleUntilDoneAsync(consumer, record, eventId, activity, stoppingToken).ConfigureAwait(false);
    }

    private async Task HandleUntilDoneAsync(IConsumer<string, string> consumer, ConsumeResult<string, string> record, string eventId, Activity? activity, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (true)
        {
            try
            {
                var first = await HandleOnceAsync(record, eventId, stoppingToken).ConfigureAwait(false);
                activity?.SetTag("reliablekafka.consumer.outcome", first ? "processed" : "duplicate");
                if (first)
                {
                    Interlocked.Increment(ref _processed);
                }
                else
                {
                    Interlocked.Increment(ref _duplicates);
                    if (ReliableKafkaTelemetry.ConsumerDuplicatesCounter.Enabled)
                    {
                        ReliableKafkaTelemetry.ConsumerDuplicatesCounter.Add(1, new KeyValuePair<string, object?>(ReliableKafkaTelemetry.TagTopic, record.Topic));
                    }

                    LogDuplicate(_logger, eventId, record.Topic, record.Partition.Value, record.Offset.Value);
                }

                consumer.StoreOffset(record);
                return;
            }
            catch (HandlerFailedException failed) when (!stoppingToken.IsCancellationRequested)
            {
                // The handler's own failure, its own cancellation (an HttpClient timeout) included: an attempt. After the
                // last one the record is a poison record: dead-lettered, and the consumer moves on.
                failures++;
                var error = failed.InnerException!;
                if (_options.MaxAttempts is { } max && failures >= max)
                {
                    if (await TryDeadLetterAsync(record, eventId, error, failures, stoppingToken).ConfigureAwait(false))
                    {
                        activity?.SetTag("reliablekafka.consumer.outcome", "dead_lettered");
                        activity?.SetStatus(ActivityStatusCode.Error, _redactor.Redact(error.Message));
                        consumer.StoreOffset(record);
                        return;
                    }
                }
                else
                {
                    LogHandlerFailed(_logger, error, eventId, record.Topic, record.Partition.Value, record.Offset.Value, failures, _options.RetryBackoff.TotalMilliseconds);
                }

                await Task.Delay(_options.RetryBackoff, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database: nothing was committed; retried without limit, since the record is not at fault.
                LogStoreFailed(_logger, e, eventId, record.Topic, record.Partition.Value, record.Offset.Value, _options.RetryBackoff.TotalMilliseconds);
                await Task.Delay(_options.RetryBackoff, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes a poison record to the dead-letter topic; false (logged) when the topic could not take it.</summary>
    private async Task<bool> TryDeadLetterAsync(ConsumeResult<string, string> record, string eventId, Exception error, int attempts, CancellationToken cancellationToken)
    {
        var topic = _options.DeadLetterTopicFor(record.Topic);
        var reason = _redactor.Redact($"{error.GetType().Name}: {error.Message}");
        var headers = DeadLetterHeaders.Build(record.Message.Headers, record.Topic, record.Partition.Value, ErrorCode.Unknown, reason, _time.GetUtcNow(), out _, error.GetType().FullName ?? error.GetType().Name);
        var offset = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(offset, record.Offset.Value);
        headers.Add(DeadLetterHeaders.OriginalOffset, offset);
        try
        {
            _deadLetters ??= CreateDeadLetterProducer();
            var written = await _deadLetters.ProduceAsync(topic, new Message<string?, string?> { Key = record.Message.Key, Value = record.Message.Value, Headers = headers }, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _deadLettered);
            if (ReliableKafkaTelemetry.ConsumerDeadLetteredCounter.Enabled)
            {
                ReliableKafkaTelemetry.ConsumerDeadLetteredCounter.Add(1, new KeyValuePair<string, object?>(ReliableKafkaTelemetry.TagTopic, record.Topic));
            }

            LogDeadLettered(_logger, error, eventId, record.Topic, record.Partition.Value, record.Offset.Value, attempts, written.Topic, written.Partition.Value, written.Offset.Value);
            return true;
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException or ArgumentException)
        {
            LogDeadLetterFailed(_logger, e, eventId, record.Topic, record.Partition.Value, record.Offset.Value, topic, _options.RetryBackoff.TotalMilliseconds);
            return false;
        }
    }

    private IProducer<string?, string?> CreateDeadLetterProducer()
    {
        var config = new ProducerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            ClientId = _options.Name + "-dead-letters",
        };

        // The connection settings of the consumer (security) apply to its dead letters too; consumer-only settings do not.
        foreach (var (key, value) in _options.Settings.Where(static s => s.Key.StartsWith("security.", StringComparison.Ordinal) || s.Key.StartsWith("sasl.", StringComparison.Ordinal) || s.Key.StartsWith("ssl.", StringComparison.Ordinal)))
        {
            config.Set(key, value);
        }

        return new ProducerBuilder<string?, string?>(config)
            .SetLogHandler((_, message) => LogClient(_logger, message.Level.ToString(), message.Message))
            .Build();
    }

    private async Task<bool> HandleOnceAsync(ConsumeResult<string, string> record, string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await _openConnection(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!await ProcessedEvents.TryMarkAsync(transaction, _options.Name, eventId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            await _handler(record, eventId, transaction, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HandlerFailedException(e);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static string EventIdOf(ConsumeResult<string, string> record) =>
        record.Message.Headers?.TryGetLastBytes("event-id", out var bytes) == true && bytes.Length > 0
            ? Encoding.UTF8.GetString(bytes)
            : $"{record.Topic}-{record.Partition.Value}-{record.Offset.Value}";

    [LoggerMessage(201, LogLevel.Information, "Idempotent consumer {Name} joined group {GroupId} for {Topics}")]
    private static partial void LogStarted(ILogger logger, string name, string groupId, string topics);

    [LoggerMessage(202, LogLevel.Information, "Skipped duplicate event {EventId} from {Topic} [{Partition}] @ {Offset}")]
    private static partial void LogDuplicate(ILogger logger, string eventId, string topic, int partition, long offset);

    [LoggerMessage(203, LogLevel.Error, "Handling event {EventId} from {Topic} [{Partition}] @ {Offset} failed (attempt {Attempts}); nothing was committed; retrying in {DelayMs} ms")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string eventId, string topic, int partition, long offset, int attempts, double delayMs);

    [LoggerMessage(206, LogLevel.Error, "Poison record: event {EventId} from {Topic} [{Partition}] @ {Offset} failed {Attempts} times; dead-lettered to {DeadLetterTopic} [{DeadLetterPartition}] @ {DeadLetterOffset}; moving on")]
    private static partial void LogDeadLettered(ILogger logger, Exception exception, string eventId, string topic, int partition, long offset, int attempts, string deadLetterTopic, int deadLetterPartition, long deadLetterOffset);

    [LoggerMessage(207, LogLevel.Error, "Dead-lettering event {EventId} from {Topic} [{Partition}] @ {Offset} to {DeadLetterTopic} failed; it is not skipped; retrying in {DelayMs} ms")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, string eventId, string topic, int partition, long offset, string deadLetterTopic, double delayMs);

    [LoggerMessage(208, LogLevel.Warning, "Recording event {EventId} from {Topic} [{Partition}] @ {Offset} in the database failed; nothing was committed; retrying in {DelayMs} ms")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string eventId, string topic, int partition, long offset, double delayMs);

    [LoggerMessage(204, LogLevel.Warning, "Consume error {ErrorCode}: {Reason}")]
    private static partial void LogConsumeError(ILogger logger, ErrorCode errorCode, string reason);

    [LoggerMessage(205, LogLevel.Debug, "Kafka consumer {Level}: {Message}")]
    private static partial void LogClient(ILogger logger, string level, string message);
}

/// <summary>The handler threw: an attempt that counts towards <see cref="IdempotentConsumerOptions.MaxAttempts"/>.</summary>
internal sealed class HandlerFailedException(Exception inner) : Exception(inner.Message, inner);
