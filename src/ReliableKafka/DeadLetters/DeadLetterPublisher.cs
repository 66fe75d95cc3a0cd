using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using ReliableKafka.Configuration;
using ReliableKafka.Producing;
using ReliableKafka.Telemetry;

namespace ReliableKafka.DeadLetters;

/// <summary>
/// Writes fatal failures to the dead-letter topic with a producer of the Critical profile; spills to the local
/// store when that fails. A dead letter is never dead-lettered again.
/// </summary>
internal sealed class DeadLetterPublisher : IDisposable
{
    /// <summary>Properties the Critical profile decides for the dead-letter producer; everything else is copied.</summary>
    private static readonly HashSet<string> ProfileOwned =
    [
        KafkaProperties.Acks, KafkaProperties.EnableIdempotence, KafkaProperties.MaxInFlight, KafkaProperties.Retries,
        KafkaProperties.TransactionalId, KafkaProperties.StatisticsInterval, "dotnet.producer.delivery.report.fields",
    ];

    private readonly DeadLetterOptions _options;
    private readonly ProducerConfig _config;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly ProducerTags _tags;
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer;
    private readonly Lazy<IDeadLetterSpill?> _spill;
    private readonly CancellationTokenSource _disposing = new();
    private int _inFlight;
    private int _disposed;

    public DeadLetterPublisher(
        DeadLetterOptions options,
        IEnumerable<KeyValuePair<string, string>> sourceConfig,
        ILogger logger,
        TimeProvider time,
        SecretRedactor redactor,
        ProducerTags tags)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _redactor = redactor;
        _tags = tags;
        var copied = sourceConfig
            .Where(static s => !ProfileOwned.Contains(s.Key))
            .Select(static s => new KeyValuePair<string, string?>(s.Key, s.Value))
            .ToList();
        _config = ProducerConfigFactory.Create(ReliabilityProfile.Critical, null, copied);
        if (_config.ClientId is { } clientId)
        {
            _config.ClientId = clientId + "-dead-letters";
        }

        _producer = new Lazy<IProducer<byte[]?, byte[]?>>(
            () => new ProducerBuilder<byte[]?, byte[]?>(_config)
                .SetLogHandler((_, _) => { })
                .SetErrorHandler((_, e) => Log.ClientError(_logger, _tags.Producer + " dead letters", e.Code, _redactor.Redact(e.Reason)))
                .Build(),
            LazyThreadSafetyMode.ExecutionAndPublication);
        _spill = new Lazy<IDeadLetterSpill?>(() => options.OpenSpill?.Invoke(options.SpillPath), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public bool Enabled => _options.Enabled;

    public string SpillPath => _spill.IsValueCreated && _spill.Value is { } spill ? spill.Location : FullPath(_options.SpillPath);

    private static string FullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }

    /// <summary>
    /// Dead-letters one failed message; never throws. After <see cref="Dispose"/> (or when dispose gives up waiting for
    /// the dead-letter topic) the message goes to the local spill, or is Unhandled without one.
    /// </summary>
    public async Task<(FailureDisposition Disposition, TopicPartitionOffset? Location)> PublishAsync(
        string topic,
        int partition,
        Message<byte[]?, byte[]?> message,
        ErrorCode error,
        string reason)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            return await PublishOnceAsync(topic, partition, message, error, reason).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The promise is one outcome per message: anything unforeseen still ends as Unhandled, logged.
            Log.SpillFailed(_logger, e, topic, string.Empty, error, "dead-lettering failed", SpillPath);
            return (FailureDisposition.Unhandled, null);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<(FailureDisposition Disposition, TopicPartitionOffset? Location)> PublishOnceAsync(
        string topic,
        int partition,
        Message<byte[]?, byte[]?> message,
        ErrorCode error,
        string reason)
    {
        var failedAt = _time.GetUtcNow();
        var headers = DeadLetterHeaders.Build(message.Headers, topic, partition, error, _redactor.Redact(reason), failedAt, out var eventId);
        var deadLetterTopic = _options.TopicFor(topic);
        string deadLetterError;
        if (_options.IsDeadLetterTopic(topic))
        {
            deadLetterError = $"the message was itself published to the dead-letter topic {topic}; a dead letter is never dead-lettered again";
        }
        else if (Volatile.Read(ref _disposed) != 0)
        {
            deadLetterError = "the producer was disposed before the dead letter could be sent";
        }
        else
        {
            try
            {
                var result = await _producer.Value.ProduceAsync(
                    deadLetterTopic,
                    new Message<byte[]?, byte[]?> { Key = message.Key, Value = message.Value, Headers = headers }).WaitAsync(_disposing.Token).ConfigureAwait(false);
                ReliableKafkaTelemetry.DeadLetteredCounter.Add(1, _tags.With(topic));
                Log.DeadLettered(_logger, topic, deadLetterTopic, result.Partition.Value, result.Offset.Value, error, eventId);
                return (FailureDisposition.DeadLettered, result.TopicPartitionOffset);
            }
            catch (KafkaException e)
            {
                deadLetterError = $"{e.Error.Code}: {_redactor.Redact(e.Error.Reason)}";
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                deadLetterError = "the producer was disposed before the dead-letter topic acknowledged the dead letter";
            }
            catch (ArgumentException e)
            {
                deadLetterError = _redactor.Redact(e.Message);
            }
        }

        if (_options.OpenSpill is null)
        {
            Log.NoSpill(_logger, topic, eventId, error, deadLetterError);
            return (FailureDisposition.Unhandled, null);
        }

        try
        {
            var id = await Task.Run(() => _spill.Value!.Add(deadLetterTopic, deadLetterError, message.Key, message.Value, headers, failedAt)).ConfigureAwait(false);
            ReliableKafkaTelemetry.SpilledCounter.Add(1, _tags.With(topic));
            Log.Spilled(_logger, topic, eventId, deadLetterTopic, deadLetterError, SpillPath, id);
            return (FailureDisposition.SpilledLocally, null);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException or ArgumentException or ObjectDisposedException)
        {
            Log.SpillFailed(_logger, e, topic, eventId, error, deadLetterError, SpillPath);
            return (FailureDisposition.Unhandled, null);
        }
    }

    /// <summary>
    /// Flushes the dead-letter producer (at most 5 s), then releases the dead letters still waiting for it to the local
    /// spill, waits for them (at most 5 s more), and only then disposes the producer and the spill: a dead letter in
    /// flight at dispose still ends with an outcome.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(5));
        }

        _disposing.Cancel();
        SpinWait.SpinUntil(() => Volatile.Read(ref _inFlight) == 0, TimeSpan.FromSeconds(5));

        if (_producer.IsValueCreated)
        {
            _producer.Value.Dispose();
        }

        if (_spill.IsValueCreated)
        {
            _spill.Value?.Dispose();
        }

        _disposing.Dispose();
    }
}
