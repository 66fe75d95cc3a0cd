using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReliableKafka.Reading;
using ReliableKafka.Telemetry;

namespace ReliableKafka.DeadLetters;

/// <summary>
/// Reads dead letters back (from the dead-letter topic and from the local spill) and publishes them to their
/// original topic with the Critical profile. A replay that fails is returned, not dead-lettered again: the dead
/// letter stays where it is.
/// </summary>
public sealed class DeadLetterReplayer : IAsyncDisposable
{
    private readonly string _bootstrapServers;
    private readonly IDictionary<string, string?> _settings;
    private readonly DeadLetterOptions _deadLetters;
    private readonly ILogger _logger;
    private readonly IDeadLetterSpill? _spill;
    private readonly Lazy<ReliableProducer<byte[]?, byte[]?>> _producer;

    /// <summary>Creates a replayer.</summary>
    /// <param name="bootstrapServers">The brokers.</param>
    /// <param name="deadLetters">The dead-letter topic and spill file to read.</param>
    /// <param name="settings">Connection settings (security) shared with the producers; may be null.</param>
    /// <param name="logger">Where logs go; none when null.</param>
    public DeadLetterReplayer(string bootstrapServers, DeadLetterOptions deadLetters, IDictionary<string, string?>? settings = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentNullException.ThrowIfNull(deadLetters);
        _bootstrapServers = bootstrapServers;
        _deadLetters = deadLetters;
        _settings = settings ?? new Dictionary<string, string?>();
        _logger = logger ?? NullLogger.Instance;
        _spill = deadLetters.OpenSpill?.Invoke(deadLetters.SpillPath);
        _producer = new Lazy<ReliableProducer<byte[]?, byte[]?>>(
            () => new ReliableProducer<byte[]?, byte[]?>(
                new ReliableProducerOptions
                {
                    Name = "dead-letter-replay",
                    Profile = ReliabilityProfile.Critical,
                    BootstrapServers = _bootstrapServers,
                    Settings = new Dictionary<string, string?>(_settings, StringComparer.OrdinalIgnoreCase),
                    DeadLetters = new DeadLetterOptions { Enabled = false },
                },
                _logger),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Reads every dead letter in the dead-letter topic, from the start of each partition to its end at the time of
    /// the call. Reads without a consumer group, so it commits nothing.
    /// </summary>
    /// <param name="topic">The dead-letter topic; the configured one when null.</param>
    /// <param name="timeout">How long to wait for the cluster. The default is 30 seconds.</param>
    /// <returns>The dead letters, by partition and offset. Records without dead-letter headers are skipped.</returns>
    /// <exception cref="KafkaException">The cluster could not be reached in time.</exception>
    /// <exception cref="TimeoutException">The topic could not be read to its end in time.</exception>
    public IReadOnlyList<DeadLetter> ReadTopic(string? topic = null, TimeSpan? timeout = null)
    {
        topic ??= _deadLetters.Topic;
        var reader = new TopicReader(_bootstrapServers, Connection().Select(static c => new KeyValuePair<string, string?>(c.Key, c.Value)))
        {
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
        return [.. reader.Read<byte[]?, byte[]?>(topic)
            .Select(static r => DeadLetter.FromRecord(r.Position, r.Key, r.Value, r.Headers))
            .OfType<DeadLetter>()];
    }

    /// <summary>Reads the dead letters kept in the local spill (none when <see cref="DeadLetterOptions.OpenSpill"/> is not set).</summary>
    /// <returns>The spilled dead letters, oldest first.</returns>
    public IReadOnlyList<DeadLetter> ReadSpilled() => _spill?.ReadAll() ?? [];

    /// <summary>
    /// Publishes each dead letter's original key, value and headers to its original topic, with a
    /// <see cref="DeadLetterHeaders.ReplayOf"/> header naming where it came from. A spilled letter that is
    /// delivered is removed from the spill file.
    /// </summary>
    /// <param name="letters">The dead letters to replay.</param>
    /// <param name="cancellationToken">Stops waiting; see <see cref="ReliableProducer{TKey, TValue}.PublishAsync"/>.</param>
    /// <returns>One outcome per letter, in order.</returns>
    public async Task<IReadOnlyList<DeliveryOutcome>> ReplayAsync(IEnumerable<DeadLetter> letters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(letters);
        var outcomes = new List<DeliveryOutcome>();
        foreach (var letter in letters)
        {
            var headers = new Headers();
            foreach (var header in letter.Headers)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }

            headers.Add(DeadLetterHeaders.ReplayOf, Encoding.UTF8.GetBytes(letter.Location));
            headers.Add(DeadLetterHeaders.Attempts, DeadLetterHeaders.Int32(Math.Max(1, letter.Attempts)));
            if (letter.EventId is { } eventId && !letter.Headers.Any(static h => h.Key == DeadLetterHeaders.ApplicationEventId))
            {
                headers.Add(DeadLetterHeaders.ApplicationEventId, Encoding.UTF8.GetBytes(eventId));
            }

            // A replay is a new story linked to the original one: a span of its own, linked to the trace the letter
            // carries, under which the publish span (and so the replayed message's traceparent) starts a new trace.
            using var replay = ReliableKafkaTelemetry.Source.HasListeners()
                ? ReliableKafkaTelemetry.Source.StartActivity($"replay {letter.OriginalTopic}", System.Diagnostics.ActivityKind.Internal, default(System.Diagnostics.ActivityContext), links: TraceContext.Extract(headers) is { TraceId: var traceId } original && traceId != default ? [new System.Diagnostics.ActivityLink(original)] : null)
                : null;
            replay?.SetTag("reliablekafka.dead_letter.location", letter.Location);
            var outcome = await _producer.Value.PublishAsync(letter.OriginalTopic, letter.Key, letter.Value, headers, cancellationToken).ConfigureAwait(false);
            if (outcome.IsDelivered && letter.SpillId is { } id)
            {
                _spill?.Delete(id);
            }

            outcomes.Add(outcome);
        }

        return outcomes;
    }

    /// <summary>Closes the replay producer and the spill file.</summary>
    /// <returns>A task that completes when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_producer.IsValueCreated)
        {
            await _producer.Value.DisposeAsync().ConfigureAwait(false);
        }

        _spill?.Dispose();
    }

    private Dictionary<string, string> Connection()
    {
        var connection = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["bootstrap.servers"] = _bootstrapServers,
        };
        foreach (var (key, value) in _settings)
        {
            var lowered = key.ToLower(CultureInfo.InvariantCulture);
            if (value is not null && (lowered.StartsWith("security.", StringComparison.Ordinal) || lowered.StartsWith("sasl.", StringComparison.Ordinal)
                || lowered.StartsWith("ssl.", StringComparison.Ordinal) || lowered.StartsWith("client.", StringComparison.Ordinal)
                || lowered.StartsWith("socket.", StringComparison.Ordinal) || lowered.StartsWith("broker.", StringComparison.Ordinal)))
            {
                connection[lowered] = value;
            }
        }

        return connection;
    }
}
