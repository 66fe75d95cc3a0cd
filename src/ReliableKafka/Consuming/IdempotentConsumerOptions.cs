namespace ReliableKafka.Consuming;

/// <summary>What an <see cref="IdempotentConsumer"/> reads and how it names itself.</summary>
public sealed class IdempotentConsumerOptions
{
    /// <summary>bootstrap.servers. Required.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>The consumer group. Required.</summary>
    public string GroupId { get; set; } = "";

    /// <summary>The topics to read. At least one is required.</summary>
    public IList<string> Topics { get; } = [];

    /// <summary>The name under which events are recorded as processed, and the client.id. The default is the group id.</summary>
    public string? ConsumerName { get; set; }

    /// <summary>How long to wait before handling a failed event again. The default is 1 second.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many times the handler may fail on one record before the record is dead-lettered (to
    /// <see cref="DeadLetterTopic"/>, with the original key, value and headers and the <c>kafka_dlt-*</c> failure headers)
    /// and the consumer moves on. The default is 5. Null retries for ever, as a poison record then blocks its partition.
    /// Only the handler's own failures count: while the database cannot be reached, records are retried without limit.
    /// Give a handler that calls an outside service enough attempts (times <see cref="RetryBackoff"/>) to outlast its
    /// usual outages.
    /// </summary>
    public int? MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Where poison records go: a topic name, or null (the default) for the record's own topic with the suffix ".DLT"
    /// (as Spring Kafka names it). Replay a dead letter with <c>rk dlq replay</c> once the handler is fixed; it keeps its
    /// event id, and a record that was dead-lettered was never recorded as processed, so it then takes effect.
    /// </summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>Extra librdkafka consumer settings (for example security settings).</summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    internal string Name => string.IsNullOrWhiteSpace(ConsumerName) ? GroupId : ConsumerName;

    internal string DeadLetterTopicFor(string topic) => string.IsNullOrWhiteSpace(DeadLetterTopic) ? topic + ReliableProducerDefaults.PerTopicSuffix : DeadLetterTopic;

    internal void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            errors.Add("BootstrapServers is required (host:port,...).");
        }

        if (string.IsNullOrWhiteSpace(GroupId))
        {
            errors.Add("GroupId is required.");
        }

        if (Topics.Count == 0 || Topics.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("Give at least one topic, and no empty names.");
        }

        if (RetryBackoff <= TimeSpan.Zero)
        {
            errors.Add($"RetryBackoff must be positive, not {RetryBackoff}.");
        }

        if (MaxAttempts is < 1)
        {
            errors.Add($"MaxAttempts must be at least 1 (or null to retry for ever), not {MaxAttempts}.");
        }

        if (DeadLetterTopic is not null && Topics.Contains(DeadLetterTopic))
        {
            errors.Add($"DeadLetterTopic '{DeadLetterTopic}' is one of the topics read; dead letters would be read again. Give another topic.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid idempotent consumer options: " + string.Join(" ", errors));
        }
    }
}
