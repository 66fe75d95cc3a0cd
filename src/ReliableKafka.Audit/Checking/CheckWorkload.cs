using System.Collections.Concurrent;
using Confluent.Kafka;

namespace ReliableKafka.Audit.Checking;

/// <summary>What a producer was told about one record.</summary>
internal sealed record Delivery(string Producer, bool Idempotent, Acks Acks, string Topic, int Partition, long Sequence, bool Persisted, long Offset, string? Error);

/// <summary>A record a consumer read.</summary>
internal sealed record Consumed(string Consumer, string Topic, int Partition, long Offset, string Value);

/// <summary>A consumer read an offset at or below one it had already read in the same assignment.</summary>
internal sealed record Rewind(string Consumer, string Topic, int Partition, long Previous, long Offset);

/// <summary>
/// The checker's clients: producers with every reliability setting (idempotent and not; acks all, 1 and 0), a group
/// consumer and an assigned reader, all real Confluent.Kafka clients on sockets. Values name their producer, partition
/// and a per-partition sequence number, so the final logs can be matched to what each client was told.
/// </summary>
internal sealed class CheckWorkload : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopProducing = new();
    private readonly CancellationTokenSource _stopConsuming = new();
    private readonly List<(string Name, IProducer<Null, string> Producer, Task Loop)> _producers = [];
    private readonly List<Task> _consumers = [];

    private CheckWorkload()
    {
    }

    /// <summary>How many producers the workload runs.</summary>
    public int Producers => _producers.Count;

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public ConcurrentQueue<Consumed> Reads { get; } = new();

    public ConcurrentQueue<Rewind> Rewinds { get; } = new();

    /// <summary>Produces and consumes until stopped.</summary>
    public static CheckWorkload Start(string bootstrapServers)
    {
        var workload = new CheckWorkload();
        workload.StartProducer(bootstrapServers, "check-idempotent", Acks.All, idempotent: true, CheckTopology.SafeTopic, CheckTopology.SafePartitions);
        workload.StartProducer(bootstrapServers, "check-acks-all", Acks.All, idempotent: false, CheckTopology.SafeTopic, CheckTopology.SafePartitions);
        workload.StartProducer(bootstrapServers, "check-acks-1", Acks.Leader, idempotent: false, CheckTopology.SafeTopic, CheckTopology.SafePartitions);
        workload.StartProducer(bootstrapServers, "check-acks-0", Acks.None, idempotent: false, CheckTopology.SafeTopic, CheckTopology.SafePartitions);
        workload.StartProducer(bootstrapServers, "check-unclean", Acks.All, idempotent: true, CheckTopology.UncleanTopic, 1);
        workload._consumers.Add(Task.Factory.StartNew(() => workload.ConsumeGroup(bootstrapServers), TaskCreationOptions.LongRunning));
        workload._consumers.Add(Task.Factory.StartNew(() => workload.ReadAssigned(bootstrapServers), TaskCreationOptions.LongRunning));
        return workload;
    }

    /// <summary>The value of one record: producer, partition and sequence.</summary>
    public static string Value(string producer, int partition, long sequence) => $"{producer}|{partition}|{sequence}";

    /// <summary>Reads a value written by <see cref="Value"/>.</summary>
    public static bool TryParse(string? value, out string producer, out long sequence)
    {
        producer = string.Empty;
        sequence = -1;
        var parts = value?.Split('|');
        if (parts is not { Length: 3 } || !long.TryParse(parts[2], out sequence))
        {
            return false;
        }

        producer = parts[0];
        return true;
    }

    /// <summary>Stops producing and waits for every outstanding delivery report (or the message timeout).</summary>
    public async Task StopProducingAsync(TimeSpan timeout)
    {
        await _stopProducing.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_producers.Select(static p => p.Loop)).ConfigureAwait(false);
        await Task.WhenAll(_producers.Select(p => Task.Run(() => p.Producer.Flush(timeout)))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopProducing.CancelAsync().ConfigureAwait(false);
        await _stopConsuming.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll([.. _producers.Select(static p => p.Loop), .. _consumers]).ConfigureAwait(false);
        foreach (var (_, producer, _) in _producers)
        {
            producer.Dispose();
        }

        _stopProducing.Dispose();
        _stopConsuming.Dispose();
    }

    private static Dictionary<string, string> Common(string bootstrapServers, string clientId) => new()
    {
        ["bootstrap.servers"] = bootstrapServers,
        ["client.id"] = clientId,
        ["socket.timeout.ms"] = "2000",
        ["reconnect.backoff.max.ms"] = "500",
        ["retry.backoff.ms"] = "50",
        ["retry.backoff.max.ms"] = "500",
        ["topic.metadata.refresh.interval.ms"] = "500",
    };

    private void StartProducer(string bootstrapServers, string name, Acks acks, bool idempotent, string topic, int partitions)
    {
        var config = new ProducerConfig(Common(bootstrapServers, name))
        {
            Acks = acks,
            EnableIdempotence = idempotent,
            LingerMs = 2,
            RequestTimeoutMs = 2000,
            MessageTimeoutMs = 10000,
        };
        var producer = new ProducerBuilder<Null, string>(config).SetLogHandler(static (_, _) => { }).SetErrorHandler(static (_, _) => { }).Build();
        var loop = Task.Run(() => ProduceAsync(producer, name, acks, idempotent, topic, partitions, _stopProducing.Token));
        _producers.Add((name, producer, loop));
    }

    private async Task ProduceAsync(IProducer<Null, string> producer, string name, Acks acks, bool idempotent, string topic, int partitions, CancellationToken token)
    {
        var sequences = new long[partitions];
        var inFlight = 0;
        while (!token.IsCancellationRequested)
        {
            for (var partition = 0; partition < partitions; partition++)
            {
                if (Volatile.Read(ref inFlight) > 200)
                {
                    continue;
                }

                var sequence = sequences[partition];
                var target = partition;
                try
                {
                    Interlocked.Increment(ref inFlight);
                    producer.Produce(new TopicPartition(topic, target), new Message<Null, string> { Value = Value(name, target, sequence) }, report =>
                    {
                        Interlocked.Decrement(ref inFlight);
                        var persisted = report.Error.Code == ErrorCode.NoError && report.Status == PersistenceStatus.Persisted;
                        Deliveries.Enqueue(new Delivery(name, idempotent, acks, topic, target, sequence, persisted, persisted ? report.Offset.Value : -1, report.Error.IsError ? report.Error.Code.ToString() : null));
                    });
                    sequences[partition]++;
                }
                catch (ProduceException<Null, string>)
                {
                    // The local queue is full: try again on the next round.
                    Interlocked.Decrement(ref inFlight);
                }
            }

            try
            {
                await Task.Delay(10, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private void ConsumeGroup(string bootstrapServers)
    {
        var last = new ConcurrentDictionary<int, long>();
        var config = new ConsumerConfig(Common(bootstrapServers, "check-group"))
        {
            GroupId = "check-group",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 200,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
        };
        using var consumer = new ConsumerBuilder<Ignore, string>(config)
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler(static (_, _) => { })
            .SetPartitionsAssignedHandler((_, assigned) =>
            {
                // A new assignment starts from the committed offset, which may be behind what was read before.
                foreach (var partition in assigned)
                {
                    last.TryRemove(partition.Partition.Value, out long _);
                }
            })
            .Build();
        consumer.Subscribe(CheckTopology.SafeTopic);
        Consume(consumer, "check-group", last);
        consumer.Close();
    }

    private void ReadAssigned(string bootstrapServers)
    {
        var config = new ConsumerConfig(Common(bootstrapServers, "check-reader"))
        {
            GroupId = "check-reader",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<Ignore, string>(config).SetLogHandler(static (_, _) => { }).SetErrorHandler(static (_, _) => { }).Build();
        consumer.Assign(new TopicPartitionOffset(CheckTopology.UncleanTopic, 0, Offset.Beginning));
        Consume(consumer, "check-reader", new ConcurrentDictionary<int, long>());
    }

    private void Consume(IConsumer<Ignore, string> consumer, string name, ConcurrentDictionary<int, long> last)
    {
        while (!_stopConsuming.IsCancellationRequested)
        {
            ConsumeResult<Ignore, string>? record;
            try
            {
                record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException)
            {
                continue;
            }

            if (record?.Message is null || record.IsPartitionEOF)
            {
                continue;
            }

            var partition = record.Partition.Value;
            var offset = record.Offset.Value;
            if (last.TryGetValue(partition, out var previous) && offset <= previous)
            {
                Rewinds.Enqueue(new Rewind(name, record.Topic, partition, previous, offset));
            }

            last[partition] = offset;
            Reads.Enqueue(new Consumed(name, record.Topic, partition, offset, record.Message.Value));
        }
    }
}
