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

    public string SpillPath => _spill.IsValueCreated && _spill.Value is { } spill ? spill.Location : Path.GetFullPath(_options.SpillPath);

    /// <summary>Dead-letters one failed message; never throws.</summary>
    public async Task<(FailureDisposition Disposition, TopicPartitionOffset? Location)> PublishAsync(
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
        else
        {
            try
            {
                var result = await _producer.Value.ProduceAsync(
                    deadLetterTopic,
                    new Message<byte[]?, byte[]?> { Key = message.Key, Value = message.Value, Headers = headers }).ConfigureAwait(false);
                ReliableKafkaTelemetry.DeadLetteredCounter.Add(1, _tags.With(topic));
                Log.DeadLettered(_logger, topic, deadLetterTopic, result.Partition.Value, result.Offset.Value, error, eventId);
                return (FailureDisposition.DeadLettered, result.TopicPartitionOffset);
            }
            catch (KafkaException e)
            {
                deadLetterError = $"{e.Error.Code}: {_redactor.Redact(e.Error.Reason)}";
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
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            Log.SpillFailed(_logger, e, topic, eventId, error, deadLetterError, SpillPath);
            return (FailureDisposition.Unhandled, null);
        }
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(5));
            _producer.Value.Dispose();
        }

        if (_spill.IsValueCreated)
        {
            _spill.Value?.Dispose();
        }
    }
}
