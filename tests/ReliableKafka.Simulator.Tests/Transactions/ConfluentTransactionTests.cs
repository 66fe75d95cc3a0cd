using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Transactions;

/// <summary>
/// Kafka transactions through Confluent.Kafka (librdkafka) over real sockets: atomic writes to several topics,
/// read_committed consumers, the last stable offset, fencing, the transaction timeout, a coordinator crash mid-commit,
/// and offsets committed in a transaction. What the consumers see is checked against the ground truth.
/// </summary>
public sealed class ConfluentTransactionTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public void A_read_committed_consumer_sees_each_committed_transaction_whole_over_two_topics_and_never_an_aborted_one()
    {
        Topics("orders", "audit");
        using (var producer = Transactional("tx-orders"))
        {
            producer.InitTransactions(Patience);
            Transaction(producer, commit: true, "a", 10);
            Transaction(producer, commit: false, "b", 10);
            Transaction(producer, commit: true, "c", 10, sentinel: true);
        }

        var committed = ReadUntilSentinels(IsolationLevel.ReadCommitted, "orders", "audit");
        var uncommitted = ReadUntilSentinels(IsolationLevel.ReadUncommitted, "orders", "audit");

        string[] Expected(params string[] transactions) =>
            [.. transactions.SelectMany(static t => Enumerable.Range(0, 10).SelectMany(i => new[] { $"orders:{t}-{i}", $"audit:{t}-{i}" })).Order()];
        Assert.Equal(Expected("a", "c"), committed.Order());
        Assert.Equal(Expected("a", "b", "c"), uncommitted.Order());

        var decided = _cluster.Truth.Events.Where(static e => e.Kind == TruthEventKind.TransactionDecided && e.TransactionalId == "tx-orders").ToList();
        Assert.Equal([TransactionResult.Commit, TransactionResult.Abort, TransactionResult.Commit], decided.Select(static e => e.Outcome!.Value));
        Assert.All(decided, static e => Assert.Equal(TransactionCause.Requested, e.Cause));
        Assert.Contains(_cluster.Truth.Events, static e => e.Kind == TruthEventKind.MarkerWritten && e.Topic == "audit" && e.Outcome == TransactionResult.Abort);
    }

    [Fact]
    public async Task An_open_transaction_holds_the_last_stable_offset_so_read_committed_consumers_wait_for_its_commit()
    {
        Topics("held");
        using var producer = Transactional("tx-held");
        producer.InitTransactions(Patience);
        producer.BeginTransaction();
        for (var i = 0; i < 5; i++)
        {
            producer.Produce(new TopicPartition("held", 0), new Message<string, string> { Key = "k", Value = $"open-{i}" });
        }

        producer.Flush(Patience);
        await Until(() => Partition("held").HighWatermark == 5);

        var partition = Partition("held");
        Assert.Equal(0, partition.LastStableOffset);
        Assert.Equal(5, ReadUntilCount(IsolationLevel.ReadUncommitted, "held", 5).Count);
        var open = Assert.Single(_cluster.DescribeTransactions(), static t => t.TransactionalId == "tx-held");
        Assert.Equal("Ongoing", open.State);
        Assert.Equal(["held-0"], open.Partitions);

        producer.CommitTransaction(Patience);

        Assert.Equal(Enumerable.Range(0, 5).Select(static i => $"held:open-{i}"), ReadUntilCount(IsolationLevel.ReadCommitted, "held", 5));
        await Until(() => Partition("held").LastStableOffset == 6);
        Assert.Equal(6, Partition("held").HighWatermark);
    }

    [Fact]
    public void A_second_instance_with_the_same_transactional_id_fences_the_first_and_aborts_its_open_transaction()
    {
        Topics("fenced");
        using var zombie = Transactional("tx-shared");
        zombie.InitTransactions(Patience);
        zombie.BeginTransaction();
        zombie.Produce("fenced", new Message<string, string> { Key = "k", Value = "zombie" });
        zombie.Flush(Patience);

        using (var successor = Transactional("tx-shared"))
        {
            successor.InitTransactions(Patience);
            Transaction(successor, commit: true, "successor", 3, sentinel: true, topics: ["fenced"]);
        }

        var error = Assert.Throws<KafkaException>(() => zombie.CommitTransaction(Patience));
        Assert.True(error.Error.IsFatal, error.Error.ToString());

        Assert.Equal(["fenced:successor-0", "fenced:successor-1", "fenced:successor-2"], ReadUntilSentinels(IsolationLevel.ReadCommitted, "fenced").Order());
        Assert.Contains(_cluster.Truth.Events, static e => e.Kind == TruthEventKind.TransactionDecided && e.TransactionalId == "tx-shared"
            && e.Outcome == TransactionResult.Abort && e.Cause == TransactionCause.Fenced);
    }

    [Fact]
    public async Task A_transaction_open_past_its_timeout_is_aborted_and_its_producer_cannot_commit_it()
    {
        Topics("slow");
        using var producer = Transactional("tx-slow", transactionTimeoutMs: 1000);
        producer.InitTransactions(Patience);
        producer.BeginTransaction();
        producer.Produce("slow", new Message<string, string> { Key = "k", Value = "late" });
        producer.Flush(Patience);

        await Until(() => _cluster.Truth.Events.Any(static e => e.Kind == TruthEventKind.TransactionCompleted && e.TransactionalId == "tx-slow"));

        Assert.Throws<KafkaException>(() => producer.CommitTransaction(Patience));
        Assert.Contains(_cluster.Truth.Events, static e => e.Kind == TruthEventKind.TransactionTimedOut && e.TransactionalId == "tx-slow");
        Assert.Contains(_cluster.Truth.Events, static e => e.Kind == TruthEventKind.TransactionDecided && e.TransactionalId == "tx-slow" && e.Cause == TransactionCause.TimedOut);
        Assert.Equal(Partition("slow").HighWatermark, Partition("slow").LastStableOffset);
        Assert.Empty(ReadUntilCount(IsolationLevel.ReadCommitted, "slow", 0));
    }

    [Fact]
    public async Task When_the_coordinator_crashes_after_deciding_a_commit_the_next_coordinator_writes_its_markers()
    {
        Topics("crash");
        var coordinator = _cluster.Handler.CoordinatorOf("tx-crash");
        _cluster.Apply(new HoldTransactionMarkers(coordinator));
        using var producer = Transactional("tx-crash");
        producer.InitTransactions(Patience);
        producer.BeginTransaction();
        for (var i = 0; i < 9; i++)
        {
            producer.Produce(new TopicPartition("crash", i % 3), new Message<string, string> { Key = "k", Value = $"v-{i}" });
        }

        producer.CommitTransaction(Patience);

        // Decided, answered, not yet visible: no marker is written, every partition's LSO stays at its first record.
        Assert.Contains(_cluster.Truth.Events, static e => e.Kind == TruthEventKind.TransactionDecided && e.TransactionalId == "tx-crash" && e.Outcome == TransactionResult.Commit);
        Assert.DoesNotContain(_cluster.Truth.Events, static e => e.Kind == TruthEventKind.MarkerWritten);
        Assert.All(_cluster.Describe().Topics.Single(static t => t.Name == "crash").Partitions, static p => Assert.Equal(0, p.LastStableOffset));
        Assert.Equal("PrepareCommit", _cluster.DescribeTransactions().Single(static t => t.TransactionalId == "tx-crash").State);

        _cluster.CrashBroker(coordinator);

        await Until(() => _cluster.Truth.Events.Any(static e => e.Kind == TruthEventKind.TransactionCompleted && e.TransactionalId == "tx-crash"));
        Assert.NotEqual(coordinator, _cluster.Handler.CoordinatorOf("tx-crash"));
        Assert.Equal(Enumerable.Range(0, 9).Select(static i => $"crash:v-{i}").Order(), ReadUntilCount(IsolationLevel.ReadCommitted, "crash", 9).Order());
    }

    [Fact]
    public void Offsets_sent_in_a_transaction_are_committed_with_it_and_dropped_when_it_aborts()
    {
        Topics("input", "output");
        using (var seed = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers, EnableIdempotence = true }).SetLogHandler((_, _) => { }).Build())
        {
            for (var i = 0; i < 6; i++)
            {
                seed.Produce(new TopicPartition("input", 0), new Message<string, string> { Key = "k", Value = $"in-{i}" });
            }

            seed.Flush(Patience);
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "transform",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe("input");
        using var producer = Transactional("tx-transform");
        producer.InitTransactions(Patience);

        var first = ConsumeN(consumer, 3);
        ProcessInTransaction(producer, consumer, first, commit: true);
        var second = ConsumeN(consumer, 3);
        ProcessInTransaction(producer, consumer, second, commit: false);

        var committed = consumer.Committed([new TopicPartition("input", 0)], Patience).Single();
        Assert.Equal(3, committed.Offset.Value);
        Assert.Equal(["output:in-0", "output:in-1", "output:in-2"], ReadUntilCount(IsolationLevel.ReadCommitted, "output", 3));
    }

    private static void ProcessInTransaction(IProducer<string, string> producer, IConsumer<string, string> consumer, IReadOnlyList<ConsumeResult<string, string>> records, bool commit)
    {
        producer.BeginTransaction();
        foreach (var record in records)
        {
            producer.Produce(new TopicPartition("output", 0), new Message<string, string> { Key = record.Message.Key, Value = record.Message.Value });
        }

        producer.SendOffsetsToTransaction([new TopicPartitionOffset(records[^1].TopicPartition, records[^1].Offset + 1)], consumer.ConsumerGroupMetadata, Patience);
        if (commit)
        {
            producer.CommitTransaction(Patience);
        }
        else
        {
            producer.AbortTransaction(Patience);
        }
    }

    private static List<ConsumeResult<string, string>> ConsumeN(IConsumer<string, string> consumer, int count)
    {
        var records = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow + Patience;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        Assert.Equal(count, records.Count);
        return records;
    }

    private void Topics(params string[] names)
    {
        foreach (var name in names)
        {
            _cluster.CreateTopic(name, new TopicSettings(3, 3, 2));
        }
    }

    private PartitionSnapshot Partition(string topic, int partition = 0) =>
        _cluster.Describe().Topics.Single(t => t.Name == topic).Partitions.Single(p => p.Partition == partition);

    private IProducer<string, string> Transactional(string transactionalId, int transactionTimeoutMs = 60000) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            TransactionalId = transactionalId,
            TransactionTimeoutMs = transactionTimeoutMs,
            LingerMs = 5,
        }).SetLogHandler((_, _) => { }).Build();

    /// <summary>One transaction of <paramref name="count"/> records per topic, values "name-i", then a sentinel record "end" to every partition when asked.</summary>
    private void Transaction(IProducer<string, string> producer, bool commit, string name, int count, bool sentinel = false, string[]? topics = null)
    {
        topics ??= ["orders", "audit"];
        producer.BeginTransaction();
        for (var i = 0; i < count; i++)
        {
            foreach (var topic in topics)
            {
                producer.Produce(topic, new Message<string, string> { Key = $"key-{i}", Value = $"{name}-{i}" });
            }
        }

        if (sentinel)
        {
            foreach (var topic in topics)
            {
                for (var partition = 0; partition < 3; partition++)
                {
                    producer.Produce(new TopicPartition(topic, partition), new Message<string, string> { Key = "end", Value = "end" });
                }
            }
        }

        if (commit)
        {
            producer.CommitTransaction(Patience);
        }
        else
        {
            // librdkafka drops what it has not sent yet when it aborts: flush first, so the aborted records are in the log.
            producer.Flush(Patience);
            producer.AbortTransaction(Patience);
        }
    }

    /// <summary>Everything up to the "end" record of every partition of the topics, as "topic:value" (sentinels left out).</summary>
    private List<string> ReadUntilSentinels(IsolationLevel isolation, params string[] topics)
    {
        using var consumer = Reader(isolation);
        consumer.Assign(topics.SelectMany(static t => Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(t, p, Offset.Beginning))));
        var values = new List<string>();
        var ended = new HashSet<(string, int)>();
        var deadline = DateTime.UtcNow + Patience;
        while (ended.Count < topics.Length * 3 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
            {
                if (record.Message.Value == "end")
                {
                    ended.Add((record.Topic, record.Partition.Value));
                }
                else
                {
                    values.Add($"{record.Topic}:{record.Message.Value}");
                }
            }
        }

        Assert.Equal(topics.Length * 3, ended.Count);
        return values;
    }

    /// <summary>Reads a topic's partitions until <paramref name="count"/> records came, or, for 0, until every partition reached its end.</summary>
    private List<string> ReadUntilCount(IsolationLevel isolation, string topic, int count)
    {
        using var consumer = Reader(isolation);
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var values = new List<string>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow + Patience;
        while ((count > 0 ? values.Count < count : atEnd.Count < 3) && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { } record)
            {
                continue;
            }

            if (record.IsPartitionEOF)
            {
                atEnd.Add(record.Partition.Value);
            }
            else
            {
                values.Add($"{record.Topic}:{record.Message.Value}");
            }
        }

        return values;
    }

    private IConsumer<string, string> Reader(IsolationLevel isolation) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            IsolationLevel = isolation,
        }).SetLogHandler((_, _) => { }).Build();

    private static Task Until(Func<bool> condition) => Eventually.WaitUntilAsync(condition, Patience, "the condition");
}
