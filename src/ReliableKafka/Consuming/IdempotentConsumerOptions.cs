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

    /// <summary>Extra librdkafka consumer settings (for example security settings).</summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    internal string Name => string.IsNullOrWhiteSpace(ConsumerName) ? GroupId : ConsumerName;

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

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid idempotent consumer options: " + string.Join(" ", errors));
        }
    }
}
