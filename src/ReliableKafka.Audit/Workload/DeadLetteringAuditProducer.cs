namespace ReliableKafka.Audit.Workload;

/// <summary>
/// A <see cref="ReliableProducer{TKey, TValue}"/> with dead letters, for the scenario about fatal failures. The
/// configuration under test is applied in full: every property the profile would set and the configuration leaves out
/// gets librdkafka's own default, so the client behaves as the raw one would.
/// </summary>
internal sealed class DeadLetteringAuditProducer : IAuditProducer
{
    /// <summary>librdkafka's defaults for the properties the profiles set.</summary>
    private static readonly Dictionary<string, string> LibrdkafkaDefaults = new(StringComparer.Ordinal)
    {
        ["acks"] = "all",
        ["enable.idempotence"] = "false",
        ["max.in.flight"] = "1000000",
        ["message.send.max.retries"] = "2147483647",
        ["retry.backoff.ms"] = "100",
        ["message.timeout.ms"] = "300000",
        ["request.timeout.ms"] = "30000",
        ["linger.ms"] = "5",
        ["batch.size"] = "1000000",
        ["compression.type"] = "none",
    };

    private readonly ReliableProducer<string, string> _producer;
    private readonly DeliveryRecorder _recorder;

    public DeadLetteringAuditProducer(IReadOnlyDictionary<string, string> canonicalSettings, ReliabilityProfile profile, string deadLetterTopic, string spillPath, DeliveryRecorder recorder)
    {
        _recorder = recorder;
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in ReliabilityProfiles.GetDefaults(profile).Keys)
        {
            settings[key] = LibrdkafkaDefaults.GetValueOrDefault(key);
        }

        // With idempotence librdkafka lowers its default max.in.flight to 5.
        if (canonicalSettings.GetValueOrDefault("enable.idempotence") is "true" or "1")
        {
            settings["max.in.flight"] = "5";
        }

        foreach (var (key, value) in canonicalSettings)
        {
            settings[key] = value;
        }

        _producer = new ReliableProducer<string, string>(new ReliableProducerOptions
        {
            Name = "audit",
            Profile = profile,
            Settings = settings,
            DeadLetters = new DeadLetterOptions { Topic = deadLetterTopic, SpillPath = spillPath, OpenSpill = ReliableKafka.DeadLetters.Sqlite.SqliteDeadLetterSpill.Open },
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        });
    }

    public void Send(string topic, string key, string value, long sequence)
    {
        _recorder.Sending(sequence, key);
        _producer.Publish(topic, key, value, headers: null, (_recorder, sequence), static (outcome, state) =>
            state._recorder.Report(state.sequence, outcome.Error, outcome.Persistence, outcome.Partition, outcome.Offset));
    }

    public void Flush(TimeSpan timeout) => _producer.Flush(timeout);

    public void Dispose() => _producer.Dispose();
}
