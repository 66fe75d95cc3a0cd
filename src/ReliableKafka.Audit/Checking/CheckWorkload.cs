using System.Collections.Concurrent;
using Confluent.Kafka;

namespace ReliableKafka.Audit.Checking;

/// <summary>What a producer was told about one record.</summary>
internal sealed record Delivery(string Producer, bool Idempotent, Acks Acks, string Topic, int Partition, long Sequence, bool Persisted, long Offset, string? Error);

/// <summary>A record a consumer read.</summary>
internal sealed record Consumed(string Consumer, string Topic, int Partition, long Offset, string Value);

/// <summary>A consumer read an offset at or below one it had already read in the same assignment.</summary>
internal sealed record Rewind(string Consumer, string Topic, int Partition, long Previous, long Offset);

/// <summary>What the transactional producer was told about a transaction.</summary>
internal enum TransactionClientOutcome
{
    /// <summary>CommitTransaction returned: the transaction must be visible, whole.</summary>
    Committed,

    /// <summary>AbortTransaction returned: nothing of it may be visible.</summary>
    Aborted,

    /// <summary>The producer failed before it learned the outcome (a fatal error, a timeout): all or nothing.</summary>
    Unknown,
}

/// <summary>One transaction of the workload: its number, how many records it wrote to each partition, and what the producer was told.</summary>
internal sealed record TransactionRun(long Number, int RecordsPerPartition, TransactionClientOutcome Outcome, string? Error);

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
    private Task _transactions = Task.CompletedTask;

    private CheckWorkload()
    {
    }

    /// <summary>How many producers the workload runs.</summary>
    public int Producers => _producers.Count;

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public ConcurrentQueue<Consumed> Reads { get; } = new();

    public ConcurrentQueue<Rewind> Rewinds { get; } = new();

    /// <summary>The transactions the transactional producer ran, and what it was told of each.</summary>
    public ConcurrentQueue<TransactionRun> Transactions { get; } = new();

    /// <summary>What the read_committed consumer read from <see cref="CheckTopology.TransactionalTopic"/>.</summary>
    public ConcurrentQueue<Consumed> CommittedReads { get; } = new();

    /// <summary>Produces and consumes until stopped; the transactional topic is read with <paramref name="transactionalReads"/>.</summary>
    public static CheckWorkload Start(string bootstrapServers, IsolationLevel transactionalReads = IsolationLevel.ReadCommitted)
    {
        var workload = new CheckWorkload();
        workload.StartProducer(bootstrapServers, "check-idempotent", Acks.All, idempotent: true, CheckTopology.SafeTopic, CheckTopology.SafePartitions);
        workload.StartProducer(bootstrapServers, "check-acks-all", Acks.All, idempotent: false, CheckTopology.SafeTopic, CheckTopology.SafePartitions);
        workload.StartProducer(bootstrapServers, "check-acks-1", Acks.Leader, idempotent: false, CheckTopology.SafeTopic, CheckTopology.SafePartitions);
        workload.StartProducer(bootstrapServers, "check-acks-0", Acks.None, idempotent: false, CheckTopology.SafeTopic, CheckTopology.SafePartitions);
        workload.StartProducer(bootstrapServers, "check-unclean", Acks.All, idempotent: true, CheckTopology.UncleanTopic, 1);
        workload._consumers.Add(Task.Factory.StartNew(() => workload.ConsumeGroup(bootstrapServers), TaskCreationOptions.LongRunning));
        workload._consumers.Add(Task.Factory.StartNew(() => workload.ReadAssigned(bootstrapServers), TaskCreationOptions.LongRunning));
        workload._consumers.Add(Task.Factory.StartNew(() => workload.ReadCommitted(bootstrapServers, transactionalReads), TaskCreationOptions.LongRunning));
        workload._transactions = Task.Factory.StartNew(() => workload.RunTransactions(bootstrapServers), TaskCreationOptions.LongRunning);
        return workload;
    }

    /// <summary>The value of one record of a transaction: its number, partition, index and how many the partition gets.</summary>
    public static string TransactionValue(long number, int partition, int index, int count) => $"txn|{number}|{partition}|{index}|{count}";

    /// <summary>Reads a value written by <see cref="TransactionValue"/>.</summary>
    public static bool TryParseTransaction(string? value, out long number, out int partition, out int index)
    {
        number = -1;
        partition = -1;
        index = -1;
        var parts = value?.Split('|');
        return parts is { Length: 5 } && parts[0] == "txn" && long.TryParse(parts[1], out number) && int.TryParse(parts[2], out partition) && int.TryParse(parts[3], out index);
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
        await Task.WhenAll([.. _producers.Select(static p => p.Loop), _transactions]).ConfigureAwait(false);
        await Task.WhenAll(_producers.Select(p => Task.Run(() => p.Producer.Flush(timeout)))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopProducing.CancelAsync().ConfigureAwait(false);
        await _stopConsuming.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll([.. _producers.Select(static p => p.Loop), .. _consumers, _transactions]).ConfigureAwait(false);
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

    /// <summary>
    /// Transactions until stopped, one at a time: each writes 1 to 3 records to every partition of the transactional
    /// topic and commits, except every fourth, which it aborts after the records are sent. librdkafka's rules decide
    /// what the producer was told: an abortable error aborts, a retriable commit is retried, a fatal error (fenced, for
    /// example) leaves the outcome unknown and a new instance takes over (its InitTransactions aborts what was open).
    /// </summary>
    private void RunTransactions(string bootstrapServers)
    {
        var timeout = TimeSpan.FromSeconds(10);
        IProducer<Null, string>? producer = null;
        long number = 0;
        while (!_stopProducing.IsCancellationRequested)
        {
            if (producer is null)
            {
                producer = new ProducerBuilder<Null, string>(new ProducerConfig(Common(bootstrapServers, "check-txn"))
                {
                    TransactionalId = CheckTopology.TransactionalId,
                    TransactionTimeoutMs = 10000,
                    MessageTimeoutMs = 9000,
                    RequestTimeoutMs = 2000,
                    LingerMs = 2,
                }).SetLogHandler(static (_, _) => { }).SetErrorHandler(static (_, _) => { }).Build();
                try
                {
                    producer.InitTransactions(timeout);
                }
                catch (KafkaException)
                {
                    producer.Dispose();
                    producer = null;
                    _stopProducing.Token.WaitHandle.WaitOne(100);
                    continue;
                }
            }

            number++;
            var commit = number % 4 != 3;
            var count = 1 + (int)(number % 3);
            var (outcome, error, replace) = RunTransaction(producer, number, count, commit, timeout);
            Transactions.Enqueue(new TransactionRun(number, count, outcome, error));
            if (replace)
            {
                producer.Dispose();
                producer = null;
            }
        }

        producer?.Dispose();
    }

    private static (TransactionClientOutcome Outcome, string? Error, bool Replace) RunTransaction(IProducer<Null, string> producer, long number, int count, bool commit, TimeSpan timeout)
    {
        try
        {
            producer.BeginTransaction();
            for (var partition = 0; partition < CheckTopology.TransactionalPartitions; partition++)
            {
                for (var index = 0; index < count; index++)
                {
                    producer.Produce(new TopicPartition(CheckTopology.TransactionalTopic, partition), new Message<Null, string> { Value = TransactionValue(number, partition, index, count) });
                }
            }

            if (!commit)
            {
                // Sent first, so that an abort has records to hide (librdkafka drops unsent records when it aborts).
                producer.Flush(timeout);
                producer.AbortTransaction(timeout);
                return (TransactionClientOutcome.Aborted, null, false);
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    producer.CommitTransaction(timeout);
                    return (TransactionClientOutcome.Committed, null, false);
                }
                catch (KafkaRetriableException) when (attempt < 3)
                {
                    // librdkafka: a retriable commit error may be retried; the outcome is still open.
                }
            }
        }
        catch (KafkaTxnRequiresAbortException e)
        {
            try
            {
                producer.AbortTransaction(timeout);
                return (TransactionClientOutcome.Aborted, e.Error.Reason, false);
            }
            catch (KafkaException abort)
            {
                return (TransactionClientOutcome.Unknown, $"{e.Error.Reason}; then the abort failed: {abort.Error.Reason}", true);
            }
        }
        catch (KafkaException e)
        {
            // Fatal (fenced, for example) or still retriable after the retries: the outcome is unknown to the producer.
            return (TransactionClientOutcome.Unknown, e.Error.Reason, true);
        }
    }

    private void ReadCommitted(string bootstrapServers, IsolationLevel isolation)
    {
        var config = new ConsumerConfig(Common(bootstrapServers, "check-txn-reader"))
        {
            GroupId = "check-txn-reader",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            IsolationLevel = isolation,
        };
        using var consumer = new ConsumerBuilder<Ignore, string>(config).SetLogHandler(static (_, _) => { }).SetErrorHandler(static (_, _) => { }).Build();
        consumer.Assign(Enumerable.Range(0, CheckTopology.TransactionalPartitions).Select(static p => new TopicPartitionOffset(CheckTopology.TransactionalTopic, p, Offset.Beginning)));
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

            if (record?.Message is not null && !record.IsPartitionEOF)
            {
                CommittedReads.Enqueue(new Consumed("check-txn-reader", record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Value));
            }
        }
    }
}
