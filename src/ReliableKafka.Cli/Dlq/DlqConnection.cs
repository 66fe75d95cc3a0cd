using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ReliableKafka.Configuration;

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
    public List<ConsumeResult<byte[]?, byte[]?>> Read(TopicMetadata topic, OffsetRange? range = null)
    {
        var config = new ConsumerConfig(Client("rk-dlq"))
        {
            GroupId = "rk-dlq",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler(static (_, _) => { }).Build();
        var ends = new Dictionary<int, long>();
        var assignment = new List<TopicPartitionOffset>();
        var clock = Stopwatch.StartNew();
        foreach (var partition in topic.Partitions.Select(static p => p.PartitionId).Order())
        {
            if (range is not null && range.Partition != partition)
            {
                continue;
            }

            WatermarkOffsets marks;
            try
            {
                marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic.Topic, partition), Remaining(clock));
            }
            catch (KafkaException e)
            {
                throw Unreachable(e);
            }

            var start = Math.Max(marks.Low.Value, range?.From ?? 0);
            var end = range is null || range.To == long.MaxValue ? marks.High.Value : Math.Min(marks.High.Value, range.To + 1);
            if (start < end)
            {
                ends[partition] = end;
                assignment.Add(new TopicPartitionOffset(topic.Topic, partition, start));
            }
        }

        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        if (assignment.Count == 0)
        {
            return records;
        }

        consumer.Assign(assignment);
        while (ends.Count > 0)
        {
            if (clock.Elapsed > Timeout)
            {
                throw new DlqException(
                    $"could not read {topic.Topic} to its end within {TimeoutMs} ms (partition {string.Join(", ", ends.Keys)} not finished). Raise --timeout-ms, or check the brokers with rk doctor.",
                    DlqExitCodes.BadInput);
            }

            ConsumeResult<byte[]?, byte[]?>? record;
            try
            {
                record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException e)
            {
                throw new DlqException($"cannot read {topic.Topic}: {e.Error.Code}: {e.Error.Reason}.", DlqExitCodes.BadInput);
            }

            if (record is null || !ends.TryGetValue(record.Partition.Value, out var partitionEnd))
            {
                continue;
            }

            if (!record.IsPartitionEOF && record.Offset.Value < partitionEnd)
            {
                records.Add(record);
            }

            if (record.IsPartitionEOF || record.Offset.Value >= partitionEnd - 1)
            {
                ends.Remove(record.Partition.Value);
            }
        }

        consumer.Close();
        return [.. records.OrderBy(static r => r.Partition.Value).ThenBy(static r => r.Offset.Value)];
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

    private TimeSpan Remaining(Stopwatch clock)
    {
        var left = Timeout - clock.Elapsed;
        return left > TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100);
    }

    private DlqException Unreachable(KafkaException e) => new(
        $"cannot reach the cluster at {BootstrapServers} within {TimeoutMs} ms ({e.Error.Code}: {e.Error.Reason}). Check --bootstrap-servers and that the brokers run (rk cluster starts a local one).",
        DlqExitCodes.BadInput);
}
