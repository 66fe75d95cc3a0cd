using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReliableKafka.Telemetry;

namespace ReliableKafka.Outbox;

/// <summary>
/// Publishes the outbox: claims pending events oldest first (one per key at a time, so each key keeps its order),
/// publishes them through a <see cref="ReliableProducer{TKey, TValue}"/>, and marks each sent only after a Delivered
/// outcome. Retriable failures, and every failure the producer hands back for retry (configuration errors such as an
/// unknown topic or a missing authorization when the producer's <see cref="DeadLetterOptions.IncludeConfigurationErrors"/>
/// is false), are retried with backoff for as long as it takes; fatal ones are marked dead (the producer has
/// dead-lettered them) and, by default, hold back the later events of their key (<see cref="OutboxRelayOptions.DeadEvents"/>).
/// After a crash it resumes from the table.
/// </summary>
public sealed partial class OutboxRelay : BackgroundService
{
    private readonly OutboxStore _store;
    private readonly ReliableProducer<string, string> _producer;
    private readonly OutboxRelayOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly string _owner;
    private readonly TimeSpan _lease;
    private long _published;

    /// <summary>Creates a relay.</summary>
    /// <param name="store">The outbox.</param>
    /// <param name="producer">The producer to publish with (the Critical profile for events that must not be lost).</param>
    /// <param name="options">Batch size, polling, backoff and lease; the defaults when null.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    public OutboxRelay(OutboxStore store, ReliableProducer<string, string> producer, OutboxRelayOptions? options = null, ILogger<OutboxRelay>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(producer);
        _store = store;
        _producer = producer;
        _options = options ?? new OutboxRelayOptions();
        _options.Validate();
        _logger = logger ?? NullLogger<OutboxRelay>.Instance;
        _time = time ?? TimeProvider.System;
        _owner = _options.InstanceId ?? $"{Environment.MachineName}:{Environment.ProcessId}";
        _lease = _options.LeaseDuration ?? DeliveryTimeoutOf(producer) + TimeSpan.FromSeconds(30);
    }

    /// <summary>Events this relay has published since it started.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Wakes the relay now (call after committing an event) instead of at the next poll.</summary>
    public void Notify()
    {
        // Wake every idle worker, at most once each.
        if (_wake.CurrentCount < _options.Workers)
        {
            _wake.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _store.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
        var released = await _store.ReleaseLeasesAsync(_store.IsSingleProcess ? null : _owner, stoppingToken).ConfigureAwait(false);
        LogStarted(_logger, _store.Kind, _owner, released, _lease.TotalSeconds);

        // Several rounds in flight: while one waits for its acknowledgements, another claims and publishes. They never
        // hold the same key at once: a key's next event is claimable only once the one before it is marked sent.
        await Task.WhenAll(Enumerable.Range(0, _options.Workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None))).ConfigureAwait(false);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                claimed = await RelayOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                // The database is unavailable for a moment: nothing was marked, so nothing is lost; try again.
                LogStoreError(_logger, e, _options.PollInterval.TotalMilliseconds);
                claimed = 0;
            }

            if (claimed < _options.BatchSize)
            {
                try
                {
                    await _wake.WaitAsync(_options.PollInterval, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims one batch, publishes it, records the outcomes; returns how many events were claimed.</summary>
    internal async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        // Every round leases under its own token: a round that completes late can only touch its own rows.
        var token = OutboxStore.LeaseToken(_owner);
        var batch = await _store.ClaimAsync(token, _options.BatchSize, _lease, _options.DeadEvents == OutboxDeadEventPolicy.BlockKey, cancellationToken).ConfigureAwait(false);
        if (batch.Count == 0)
        {
            return 0;
        }

        // A span per round, linked to the trace of each event it publishes (each publish span continues its own event's
        // trace, so the round is not their parent). It is never the current activity.
        using var round = StartRound(batch);
        var outcomes = await PublishAsync(batch).ConfigureAwait(false);
        var completions = new OutboxCompletion[batch.Count];
        int sent = 0, retried = 0, dead = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            var outcome = outcomes[i];
            if (outcome.IsDelivered)
            {
                completions[i] = new OutboxCompletion(message.Id, OutboxOutcome.Sent, outcome.Partition, outcome.Offset);
                sent++;
            }
            else if (outcome.IsRetriable || outcome.Disposition == FailureDisposition.ReturnedForRetry)
            {
                // Retriable, or handed back for retry: only this row holds the event, so it is published again later.
                var backoff = Backoff(message.Attempts);
                completions[i] = new OutboxCompletion(message.Id, OutboxOutcome.Retry, RetryAfter: backoff, Error: Describe(outcome));
                retried++;
                if (outcome.IsRetriable)
                {
                    LogRetrying(_logger, message.EventId, message.Topic, message.Attempts, outcome.Error, backoff.TotalMilliseconds);
                }
                else
                {
                    LogNeedsOperator(_logger, message.EventId, message.Topic, message.Attempts, outcome.Error, outcome.Kind, backoff.TotalMilliseconds);
                }
            }
            else
            {
                completions[i] = new OutboxCompletion(message.Id, OutboxOutcome.Dead, Error: Describe(outcome));
                dead++;
                LogDead(_logger, message.EventId, message.Topic, message.Key, message.Id, outcome.Error, outcome.Disposition, _options.DeadEvents);
            }
        }

        // Recorded even when stopping: the outcomes are known, and re-publishing them would only make duplicates.
        await _store.CompleteAsync(token, completions, CancellationToken.None).ConfigureAwait(false);
        Interlocked.Add(ref _published, sent);
        if (round is { IsAllDataRequested: true })
        {
            round.SetTag("reliablekafka.outbox.sent", sent);
            round.SetTag("reliablekafka.outbox.retried", retried);
            round.SetTag("reliablekafka.outbox.dead", dead);
        }

        Count(OutboxTelemetry.OutboxSentCounter, sent);
        Count(OutboxTelemetry.OutboxRetriedCounter, retried);
        Count(OutboxTelemetry.OutboxDeadCounter, dead);
        return batch.Count;
    }

    private System.Diagnostics.Activity? StartRound(IReadOnlyList<OutboxMessage> batch)
    {
        if (!OutboxTelemetry.Source.HasListeners())
        {
            return null;
        }

        var links = new List<System.Diagnostics.ActivityLink>();
        foreach (var message in batch.Take(128))
        {
            if (message.Headers?.GetValueOrDefault(ReliableKafkaTelemetry.TraceParentHeader) is { } parent
                && System.Diagnostics.ActivityContext.TryParse(parent, message.Headers.GetValueOrDefault(ReliableKafkaTelemetry.TraceStateHeader), isRemote: true, out var context))
            {
                links.Add(new System.Diagnostics.ActivityLink(context));
            }
        }

        var previous = System.Diagnostics.Activity.Current;
        System.Diagnostics.Activity.Current = null;
        var round = OutboxTelemetry.Source.StartActivity("outbox relay round", System.Diagnostics.ActivityKind.Internal, default(System.Diagnostics.ActivityContext), links: links);
        System.Diagnostics.Activity.Current = previous;
        if (round is { IsAllDataRequested: true })
        {
            round.SetTag("reliablekafka.outbox.store", _store.Kind);
            round.SetTag("reliablekafka.outbox.claimed", batch.Count);
        }

        return round;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    private static void Count(System.Diagnostics.Metrics.Counter<long> counter, int value)
    {
        if (value > 0 && counter.Enabled)
        {
            counter.Add(value);
        }
    }

    private static string Describe(DeliveryOutcome outcome) => $"{outcome.Error}: {outcome.Reason}";

    private static TimeSpan DeliveryTimeoutOf(ReliableProducer<string, string> producer) =>
        producer.Configuration.TryGetValue("message.timeout.ms", out var value) && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.FromMinutes(5);

    private TimeSpan Backoff(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        var delay = TimeSpan.FromMilliseconds(_options.RetryBackoff.TotalMilliseconds * factor);
        return delay < _options.MaxRetryBackoff ? delay : _options.MaxRetryBackoff;
    }

    private Task<DeliveryOutcome[]> PublishAsync(IReadOnlyList<OutboxMessage> batch)
    {
        var tracker = new BatchTracker(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var message = batch[i];
            var headers = new Headers { { "event-id", Encoding.UTF8.GetBytes(message.EventId) } };
            if (message.Headers is { } extra)
            {
                foreach (var (name, value) in extra)
                {
                    if (name != "event-id")
                    {
                        headers.Add(name, Encoding.UTF8.GetBytes(value));
                    }
                }
            }

            _producer.Publish(message.Topic, message.Key, message.Value, headers, (tracker, i), static (outcome, state) => state.tracker.Set(state.i, outcome));
        }

        return tracker.Task;
    }

    [LoggerMessage(101, LogLevel.Information, "Outbox relay started on {Store} as {Owner}; released {Released} leases; lease {LeaseSeconds} s")]
    private static partial void LogStarted(ILogger logger, string store, string owner, int released, double leaseSeconds);

    [LoggerMessage(102, LogLevel.Warning, "Outbox event {EventId} for {Topic} failed (attempt {Attempts}) with {ErrorCode}; retrying in {BackoffMs} ms")]
    private static partial void LogRetrying(ILogger logger, string eventId, string topic, int attempts, ErrorCode errorCode, double backoffMs);

    [LoggerMessage(103, LogLevel.Error, "Outbox event {EventId} for {Topic} (key {Key}, outbox id {OutboxId}) failed for good with {ErrorCode} ({Disposition}); marked dead; later events of its key: {Policy} (rk outbox retry|skip {OutboxId})")]
    private static partial void LogDead(ILogger logger, string eventId, string topic, string key, long outboxId, ErrorCode errorCode, FailureDisposition disposition, OutboxDeadEventPolicy policy);

    [LoggerMessage(105, LogLevel.Error, "Outbox event {EventId} for {Topic} failed (attempt {Attempts}) with {ErrorCode} ({Kind}): an operator must fix it; retrying in {BackoffMs} ms")]
    private static partial void LogNeedsOperator(ILogger logger, string eventId, string topic, int attempts, ErrorCode errorCode, FailureKind kind, double backoffMs);

    [LoggerMessage(104, LogLevel.Warning, "Outbox store unavailable; retrying in {DelayMs} ms")]
    private static partial void LogStoreError(ILogger logger, Exception exception, double delayMs);

    /// <summary>Collects the outcomes of one batch; completes when all are in.</summary>
    private sealed class BatchTracker(int count)
    {
        private readonly DeliveryOutcome[] _outcomes = new DeliveryOutcome[count];
        private readonly TaskCompletionSource<DeliveryOutcome[]> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _left = count;

        public Task<DeliveryOutcome[]> Task => _done.Task;

        public void Set(int index, DeliveryOutcome outcome)
        {
            _outcomes[index] = outcome;
            if (Interlocked.Decrement(ref _left) == 0)
            {
                _done.TrySetResult(_outcomes);
            }
        }
    }
}
