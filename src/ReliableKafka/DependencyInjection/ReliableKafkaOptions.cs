namespace ReliableKafka;

/// <summary>
/// Settings for <see cref="ReliableKafkaServiceCollectionExtensions.AddReliableKafka(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>,
/// usually bound from the "Kafka" configuration section:
/// <code>
/// "Kafka": {
///   "BootstrapServers": "kafka-1:9092,kafka-2:9092,kafka-3:9092",
///   "Settings": { "security.protocol": "SASL_SSL" },
///   "Profiles": { "Critical": { "linger.ms": "10" } },
///   "DeadLetters": { "Topic": "dead-letter-queue" }
/// }
/// </code>
/// </summary>
public sealed class ReliableKafkaOptions
{
    /// <summary>The configuration section this binds to by default: "Kafka".</summary>
    public const string SectionName = "Kafka";

    /// <summary>The brokers. Required.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>librdkafka properties every producer gets (security, client.id). The default is empty.</summary>
    public Dictionary<string, string?> Settings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Per-profile overrides of the profile defaults, keyed by profile. Every profile is available whether or not it
    /// is listed here. The default is empty.
    /// </summary>
    public Dictionary<ReliabilityProfile, Dictionary<string, string?>> Profiles { get; set; } = [];

    /// <summary>Where fatal failures go.</summary>
    public DeadLetterOptions DeadLetters { get; set; } = new();

    /// <summary>How long disposing a producer waits for messages in flight. The default is 10 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = ReliableProducerDefaults.ShutdownTimeout;

    /// <summary>The options of the producer for <paramref name="profile"/>: shared settings, then the profile's overrides.</summary>
    /// <param name="profile">The profile.</param>
    /// <returns>Options for a <see cref="ReliableProducer{TKey, TValue}"/>.</returns>
    public ReliableProducerOptions ForProfile(ReliabilityProfile profile)
    {
        var settings = new Dictionary<string, string?>(Settings, StringComparer.OrdinalIgnoreCase);
        if (Profiles.TryGetValue(profile, out var overrides))
        {
            foreach (var (key, value) in overrides)
            {
                settings[key] = value;
            }
        }

        return new ReliableProducerOptions
        {
            Name = profile.ToString(),
            Profile = profile,
            BootstrapServers = BootstrapServers,
            Settings = settings,
            DeadLetters = DeadLetters,
            ShutdownTimeout = ShutdownTimeout,
        };
    }
}
