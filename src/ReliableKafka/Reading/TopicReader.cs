using System.Globalization;
using Confluent.Kafka;

namespace ReliableKafka.Reading;

/// <summary>
/// Reads partitions of a topic from given offsets to their end at the moment of reading, without a consumer group:
/// it assigns the partitions, commits nothing and leaves no trace in the cluster. The end of a partition is its high
/// watermark when the read starts (<see cref="IConsumer{TKey, TValue}.QueryWatermarkOffsets"/>); with
/// <see cref="IsolationLevel.ReadCommitted"/> (the default, as in Kafka) it is also where the consumer reports the
/// end of the partition before that (the last stable offset: records of open transactions are not read). Records
/// written after the read starts are not read. Empty partitions are read at once.
/// </summary>
/// <remarks>
/// Keys and values are deserialized by Confluent.Kafka's built-in deserializers (string as UTF-8, byte[], Null,
/// Ignore, int, long, float, double). A reader is cheap and holds no connection between reads; each
/// <see cref="Read{TKey, TValue}(string, IEnumerable{PartitionRange}?, CancellationToken)"/> opens its own clients.
/// </remarks>
public sealed class TopicReader
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly Dictionary<string, string> _config;
    private readonly TimeProvider _time;

    /// <summary>Creates a reader.</summary>
    /// <param name="bootstrapServers">The brokers.</param>
    /// <param name="settings">
    /// Further client settings (security, client.id, fetch tuning), used as given; null for none. Group settings are
    /// not needed: the reader uses no consumer group.
    /// </param>
    /// <param name="time">The clock that bounds a read (<see cref="Timeout"/>); the system clock when null.</param>
    public TopicReader(string bootstrapServers, IEnumerable<KeyValuePair<string, string?>>? settings = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        _config = new Dictionary<string, string>(StringComparer.Ordinal) { ["client.id"] = "reliablekafka-topic-reader" };
        foreach (var (key, value) in settings ?? [])
        {
            if (value is not null)
            {
                _config[key] = value;
            }
        }

        _config["bootstrap.servers"] = bootstrapServers;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long one read may take, metadata and watermarks included. The default is 30 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether records of open or aborted transactions are read. The default is <see cref="IsolationLevel.ReadCommitted"/>.
    /// </summary>
    public IsolationLevel Isolation { get; init; } = IsolationLevel.ReadCommitted;

    /// <summary>The partitions of <paramref name="topic"/>, in order; empty when the topic does not exist.</summary>
    /// <param name="topic">The topic.</param>
    /// <returns>The partition ids.</returns>
    /// <exception cref="KafkaException">The cluster did not answer within <see cref="Timeout"/>.</exception>
    public IReadOnlyList<int> Partitions(string topic)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        using var admin = new AdminClientBuilder(new AdminClientConfig(_config)).SetLogHandler(static (_, _) => { }).Build();
        var metadata = admin.GetMetadata(topic, Timeout).Topics.FirstOrDefault(t => t.Topic == topic);
        return metadata is null || metadata.Error.Code != ErrorCode.NoError
            ? []
            : [.. metadata.Partitions.Select(static p => p.PartitionId).Order()];
    }

    /// <summary>
    /// Reads <paramref name="partitions"/> of <paramref name="topic"/> (every partition from the beginning when null)
    /// to their end at the time of the call.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="topic">The topic.</param>
    /// <param name="partitions">What to read of which partitions; null reads every partition from the beginning.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The records, by partition and offset.</returns>
    /// <exception cref="KafkaException">The cluster did not answer, or a partition could not be read.</exception>
    /// <exception cref="TimeoutException">A partition was not read to its end within <see cref="Timeout"/>; the message names each.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IReadOnlyList<TopicRecord<TKey, TValue>> Read<TKey, TValue>(string topic, IEnumerable<PartitionRange>? partitions = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var started = _time.GetTimestamp();
        var ranges = partitions?.ToList() ?? [.. Partitions(topic).Select(static p => new PartitionRange(p))];
        var config = new ConsumerConfig(_config)
        {
            // A group id is required by the client but never used: partitions are assigned, nothing is committed.
            GroupId = _config.GetValueOrDefault("group.id") ?? "reliablekafka-topic-reader",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = Isolation,
        };
        using var consumer = new ConsumerBuilder<TKey, TValue>(config).SetLogHandler(static (_, _) => { }).SetErrorHandler(static (_, _) => { }).Build();
        var ends = new Dictionary<int, long>();
        var reached = new Dictionary<int, long>();
        var assignment = new List<TopicPartitionOffset>();
        foreach (var range in ranges)
        {
            var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, range.Partition), Remaining(started));
            var from = Math.Max(marks.Low.Value, range.From);
            var end = range.Until is { } until ? Math.Min(marks.High.Value, until) : marks.High.Value;
            if (from < end)
            {
                ends[range.Partition] = end;
                reached[range.Partition] = from;
                assignment.Add(new TopicPartitionOffset(topic, range.Partition, from));
            }
        }

        var records = new List<TopicRecord<TKey, TValue>>();
        if (assignment.Count == 0)
        {
            return records;
        }

        consumer.Assign(assignment);
        while (ends.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_time.GetElapsedTime(started) > Timeout)
            {
                var missing = string.Join(", ", ends.Keys.Order().Select(p => $"partition {p} at {reached[p]} of {ends[p]}"));
                throw new TimeoutException($"Could not read {topic} to its end within {Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s ({missing}).");
            }

            var result = consumer.Consume(Poll);
            if (result is null || !ends.TryGetValue(result.Partition.Value, out var end))
            {
                continue;
            }

            var partition = result.Partition.Value;
            if (result.IsPartitionEOF)
            {
                reached[partition] = Math.Max(reached[partition], result.Offset.Value);

                // Read committed: the consumer stops at the last stable offset, which may be below the high watermark.
                if (Isolation == IsolationLevel.ReadCommitted || result.Offset.Value >= end)
                {
                    ends.Remove(partition);
                }

                continue;
            }

            if (result.Offset.Value < end)
            {
                records.Add(new TopicRecord<TKey, TValue>(
                    topic, partition, result.Offset.Value, result.Message.Key, result.Message.Value, result.Message.Headers ?? [], result.Message.Timestamp, result.LeaderEpoch));
            }

            reached[partition] = result.Offset.Value + 1;
            if (reached[partition] >= end)
            {
                ends.Remove(partition);
            }
        }

        consumer.Close();
        records.Sort(static (a, b) => a.Partition != b.Partition ? a.Partition.CompareTo(b.Partition) : a.Offset.CompareTo(b.Offset));
        return records;
    }

    private TimeSpan Remaining(long started)
    {
        var left = Timeout - _time.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
