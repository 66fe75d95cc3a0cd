using ReliableKafka.DeadLetters;

namespace ReliableKafka;

/// <summary>
/// Settings of one <see cref="ReliableProducer{TKey, TValue}"/>. A plain class: bind it from configuration or set
/// it in code; it is validated once, when the producer is built.
/// </summary>
public sealed class ReliableProducerOptions
{
    /// <summary>The name used in logs and metrics. The default is the profile's name.</summary>
    public string? Name { get; set; }

    /// <summary>The reliability profile whose defaults apply. The default is <see cref="ReliabilityProfile.Critical"/>.</summary>
    public ReliabilityProfile Profile { get; set; } = ReliabilityProfile.Critical;

    /// <summary>The brokers, as host:port pairs separated by commas. Required (here or as bootstrap.servers in <see cref="Settings"/>).</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>
    /// librdkafka properties that replace the profile's defaults, for example security settings. Overrides that
    /// weaken the Critical profile are rejected. The default is empty.
    /// </summary>
    public IDictionary<string, string?> Settings { get; set; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where fatal failures go. The default writes them to the topic "dead-letter-queue".</summary>
    public DeadLetterOptions DeadLetters { get; set; } = new();

    /// <summary>How long disposing waits for messages in flight. The default is 10 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = ReliableProducerDefaults.ShutdownTimeout;

    /// <summary>The name used in logs and metrics.</summary>
    internal string EffectiveName => string.IsNullOrWhiteSpace(Name) ? Profile.ToString() : Name;
}

/// <summary>Where a <see cref="ReliableProducer{TKey, TValue}"/> puts messages that failed fatally.</summary>
public sealed class DeadLetterOptions
{
    /// <summary>Whether fatal failures are dead-lettered. When false they are only returned. The default is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether failures of kind <see cref="FailureKind.Configuration"/> (unknown topic, authorization, unsupported
    /// settings) are dead-lettered too. When false they come back as <see cref="FailureDisposition.ReturnedForRetry"/>:
    /// an operator fixes the cause and the caller publishes again. A caller that keeps its messages durably until they
    /// are delivered (the outbox relay) sets it to false, so a fixable error leaves no copy in the dead letters. The
    /// default is true.
    /// </summary>
    public bool IncludeConfigurationErrors { get; set; } = true;

    /// <summary>The dead-letter topic. The default is "dead-letter-queue".</summary>
    public string Topic { get; set; } = ReliableProducerDefaults.DeadLetterTopic;

    /// <summary>
    /// When true, each topic has its own dead-letter topic named "&lt;topic&gt;.DLT" and <see cref="Topic"/> is not used.
    /// The default is false.
    /// </summary>
    public bool TopicPerSource { get; set; }

    /// <summary>
    /// The file of the local spill that keeps dead letters the dead-letter topic could not take (see
    /// <see cref="OpenSpill"/>). The default is "reliablekafka-spill.db" in the current directory.
    /// </summary>
    public string SpillPath { get; set; } = ReliableProducerDefaults.SpillPath;

    /// <summary>
    /// Opens the local spill at a path (<see cref="SpillPath"/>). Null (the default) means no spill: a dead letter the
    /// dead-letter topic cannot take is then returned as <see cref="FailureDisposition.Unhandled"/>. The
    /// ReliableKafka.DeadLetters.Sqlite package sets it with <c>UseSqliteSpill()</c> or
    /// <c>services.AddReliableKafkaSqliteSpill()</c>.
    /// </summary>
    public Func<string, IDeadLetterSpill>? OpenSpill { get; set; }

    /// <summary>Returns the dead-letter topic for a message published to <paramref name="topic"/>.</summary>
    /// <param name="topic">The original topic.</param>
    /// <returns>The dead-letter topic.</returns>
    public string TopicFor(string topic) => TopicPerSource ? topic + ReliableProducerDefaults.PerTopicSuffix : Topic;

    /// <summary>True when <paramref name="topic"/> is itself a dead-letter topic under these options.</summary>
    /// <param name="topic">A topic name.</param>
    /// <returns>Whether messages to it must never be dead-lettered again.</returns>
    public bool IsDeadLetterTopic(string topic) =>
        string.Equals(topic, Topic, StringComparison.Ordinal)
        || (TopicPerSource && topic.EndsWith(ReliableProducerDefaults.PerTopicSuffix, StringComparison.Ordinal));
}

/// <summary>The defaults of <see cref="ReliableProducerOptions"/> and <see cref="DeadLetterOptions"/>.</summary>
public static class ReliableProducerDefaults
{
    /// <summary>"dead-letter-queue".</summary>
    public const string DeadLetterTopic = "dead-letter-queue";

    /// <summary>".DLT", appended to a topic's name when each topic has its own dead-letter topic.</summary>
    public const string PerTopicSuffix = ".DLT";

    /// <summary>"reliablekafka-spill.db".</summary>
    public const string SpillPath = "reliablekafka-spill.db";

    /// <summary>10 seconds.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a client instance that failed fatally gets to hand back its messages before it is disposed: 5 seconds.</summary>
    public static readonly TimeSpan RetireTimeout = TimeSpan.FromSeconds(5);
}
