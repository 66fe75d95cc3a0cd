using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ReliableKafka.Configuration;
using ReliableKafka.Reading;

namespace ReliableKafka.Cli.Dlq;

/// <summary>
/// How <c>rk dlq</c> talks to the cluster: the brokers, the connection settings of <c>--config</c>, a bound on every
/// wait, and the redactor every printed line passes through.
/// </summary>
internal sealed class DlqConnection
{
    /// <summary>The only properties taken from --config: how to connect, never how to produce (replay uses the Critical profile).</summary>
    private static readonly string[] ConnectionPrefixes = ["security.", "sasl.", "ssl.", "client.", "socket.", "broker."];

    public DlqConnection(string bootstrapServers, IEnumerable<KeyValuePair<string, string?>> settings, TimeSpan timeout, SecretRedactor redactor)
    {
        BootstrapServers = bootstrapServers;
        Timeout = timeout;
        Redactor = redactor;
        Settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            var lowered = key.ToLowerInvariant();
            if (value is not null && ConnectionPrefixes.Any(p => lowered.StartsWith(p, StringComparison.Ordinal)))
            {
                Settings[lowered] = value;
            }
        }
    }

    public string BootstrapServers { get; }

    /// <summary>The connection settings (security, client id), for the replay and mark producers.</summary>
    public Dictionary<string, string?> Settings { get; }

    public TimeSpan Timeout { get; }

    public SecretRedactor Redactor { get; }

    private long TimeoutMs => (long)Timeout.TotalMilliseconds;

    /// <summary>Every topic and broker, without creating any topic.</summary>
    /// <exception cref="DlqException">The cluster did not answer within the timeout (exit 2).</exception>
    public Metadata ReadMetadata()
    {
        using var admin = Admin();
        try
        {
            return admin.GetMetadata(Timeout);
        }
        catch (KafkaException e)
        {
            throw Unreachable(e);
        }
    }

    /// <summary>
    /// Reads a topic's records from the start of each partition (or <paramref name="range"/>) to its end as of now.
    /// Reads without a consumer group and commits nothing.
    /// </summary>
    /// <exception cref="DlqException">The topic could not be read to its end within the timeout (exit 2).</exception>
    public IReadOnlyList<TopicRecord<byte[]?, byte[]?>> Read(TopicMetadata topic, OffsetRange? range = null)
    {
        var reader = new TopicReader(BootstrapServers, Client("rk-dlq").Select(static c => new KeyValuePair<string, string?>(c.Key, c.Value))) { Timeout = Timeout };
        var partitions = topic.Partitions.Select(static p => p.PartitionId).Order()
            .Where(p => range is null || range.Partition == p)
            .Select(p => new PartitionRange(p, range?.From ?? 0, range is null || range.To == long.MaxValue ? null : range.To + 1));
        try
        {
            return reader.Read<byte[]?, byte[]?>(topic.Topic, partitions);
        }
        catch (TimeoutException e)
        {
            throw new DlqException($"{e.Message} Raise --timeout-ms, or check the brokers with rk doctor.", DlqExitCodes.BadInput);
        }
        catch (ConsumeException e)
        {
            throw new DlqException($"cannot read {topic.Topic}: {e.Error.Code}: {e.Error.Reason}.", DlqExitCodes.BadInput);
        }
        catch (KafkaException e)
        {
            throw Unreachable(e);
        }
    }

    /// <summary>
    /// Creates <paramref name="name"/> when the cluster lacks it: one partition, compacted (it keeps one record per key
    /// for good), replication factor min(3, brokers) and min.insync.replicas min(2, replication factor), as the
    /// Critical profile wants.
    /// </summary>
    /// <exception cref="DlqException">It could not be created (exit 2).</exception>
    public async Task EnsureTopicAsync(string name, Metadata metadata)
    {
        if (metadata.Topics.Any(t => t.Topic == name && t.Error.Code == ErrorCode.NoError))
        {
            return;
        }

        var requirements = ReliabilityProfiles.GetTopicRequirements(ReliabilityProfile.Critical);
        var replication = Math.Max(1, Math.Min(requirements.ReplicationFactor, metadata.Brokers.Count));
        var minInSync = Math.Min(requirements.MinInSyncReplicas, replication);
        using var admin = Admin();
        try
        {
            await admin.CreateTopicsAsync(
                [
                    new TopicSpecification
                    {
                        Name = name,
                        NumPartitions = 1,
                        ReplicationFactor = (short)replication,
                        Configs = new Dictionary<string, string>
                        {
                            ["cleanup.policy"] = "compact",
                            ["min.insync.replicas"] = minInSync.ToString(CultureInfo.InvariantCulture),
                        },
                    },
                ],
                new CreateTopicsOptions { RequestTimeout = Timeout, OperationTimeout = Timeout }).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(static r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Created meanwhile by another replay: fine.
        }
        catch (KafkaException e)
        {
            var reason = e is CreateTopicsException c ? string.Join("; ", c.Results.Select(static r => $"{r.Error.Code}: {r.Error.Reason}")) : $"{e.Error.Code}: {e.Error.Reason}";
            throw new DlqException(
                $"cannot create the replay-mark topic {name} ({reason}). Nothing was replayed. Create it (1 partition, cleanup.policy=compact, replication factor {replication}) or allow rk to create topics.",
                DlqExitCodes.BadInput);
        }
    }

    private IAdminClient Admin() =>
        new AdminClientBuilder(new AdminClientConfig(Client("rk-dlq")) { SocketTimeoutMs = (int)Math.Max(1000, TimeoutMs) })
            .SetLogHandler(static (_, _) => { })
            .Build();

    private Dictionary<string, string> Client(string clientId)
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["bootstrap.servers"] = BootstrapServers,
            ["client.id"] = clientId,
        };
        foreach (var (key, value) in Settings)
        {
            config[key] = value!;
        }

        return config;
    }

    private DlqException Unreachable(KafkaException e) => new(
        $"cannot reach the cluster at {BootstrapServers} within {TimeoutMs} ms ({e.Error.Code}: {e.Error.Reason}). Check --bootstrap-servers and that the brokers run (rk cluster starts a local one).",
        DlqExitCodes.BadInput);
}
