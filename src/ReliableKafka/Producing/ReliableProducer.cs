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
/// classifies failures, dead-letters fatal ones (spilling to the local spill when the dead-letter topic can't be
/// written), replaces its client after a librdkafka fatal error, records metrics and logs, and on dispose reports
/// every message it could not deliver.
/// </summary>
/// <typeparam name="TKey">The key type; string, byte[], int, long, float, double and Null have default serializers.</typeparam>
/// <typeparam name="TValue">The value type; as for keys.</typeparam>
public sealed partial class ReliableProducer<TKey, TValue> : IAsyncDisposable, IDisposable, ITelemetrySource
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
        if (options.Profile == ReliabilityProfile.Critical && options.DeadLetters.Enabled && options.DeadLetters.OpenSpill is null)
        {
            Log.NoSpill(_logger, _tags.Producer, options.Profile);
        }
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
}
