using Confluent.Kafka;
using CsCheck;
using ReliableKafka.Configuration;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using Xunit.Abstractions;

namespace ReliableKafka.Tests.Transactions;

/// <summary>
/// <see cref="TransactionalPublisher{TKey, TValue}"/> against the simulated cluster over real sockets, read back by a
/// read_committed Confluent consumer: what each outcome promises is what the consumer sees.
/// </summary>
public sealed class TransactionalPublisherTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { AutoCreateTopics = false });
        foreach (var topic in new[] { "task-events", "audit-log" })
        {
            _cluster.CreateTopic(topic, new TopicSettings(3, 3, 2));
        }

        // Takes batches of at most 400 bytes: a 1000-byte value is refused (MESSAGE_TOO_LARGE), so it aborts its transaction.
        _cluster.CreateTopic("small", new TopicSettings(1, 3, 2, MaxMessageBytes: 400));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_committed_transaction_over_two_topics_is_seen_whole_at_the_offsets_the_outcome_reports()
    {
        await using var publisher = Publisher("tasks-1");
        await publisher.InitializeAsync();

        var outcome = await publisher.PublishAsync([Message("task-events", "t1", "task.created"), Message("audit-log", "t1", "created t1"), Message("task-events", "t2", "task.created")]);

        Assert.Equal(TransactionStatus.Committed, outcome.Status);
        Assert.Equal(["task-events", "audit-log", "task-events"], outcome.Offsets.Select(static o => o.Topic));
        Assert.All(outcome.Offsets, static o => Assert.True(o.Offset.Value >= 0));
        var read = ReadCommitted(["task-events", "audit-log"], 3);
        Assert.Equal(
            outcome.Offsets.Select(static o => (o.Topic, o.Partition.Value, o.Offset.Value)).Order(),
            read.Select(static r => (r.Topic, r.Partition.Value, r.Offset.Value)).Order());
    }

    [Fact]
    public async Task A_refused_message_aborts_its_transaction_nothing_of_it_is_visible_and_the_next_one_commits()
    {
        await using var publisher = Publisher("tasks-2");

        var aborted = await publisher.PublishAsync([Message("task-events", "t1", "first"), Message("small", "t1", new string('x', 1000))]);
        var committed = await publisher.PublishAsync([Message("task-events", "t2", "second"), Message("small", "t2", "fits")]);

        Assert.Equal(TransactionStatus.Aborted, aborted.Status);
        Assert.Equal(ErrorCode.MsgSizeTooLarge, aborted.Error?.Code);
        Assert.Contains("publishing it again is safe", aborted.Reason, StringComparison.Ordinal);
        Assert.Empty(aborted.Offsets);
        Assert.True(committed.Status == TransactionStatus.Committed, committed.Reason);
        Assert.Equal(["fits", "second"], ReadCommitted(["task-events", "small"], 2).Select(static r => r.Message.Value).Order());
    }

    [Fact]
    public async Task A_second_instance_fences_the_first_which_answers_fenced_from_then_on_and_writes_nothing()
    {
        await using var first = Publisher("tasks-shared");
        Assert.True((await first.PublishAsync([Message("task-events", "a", "from the first")])).IsCommitted);
        await using var second = Publisher("tasks-shared");
        await second.InitializeAsync();

        var fenced = await first.PublishAsync([Message("task-events", "b", "from the zombie")]);
        var again = await first.PublishAsync([Message("task-events", "c", "from the zombie again")]);
        var successor = await second.PublishAsync([Message("task-events", "d", "from the second")]);

        Assert.Equal(TransactionStatus.Fenced, fenced.Status);
        Assert.Contains("Stop this instance", fenced.Reason, StringComparison.Ordinal);
        Assert.True(first.IsFenced);
        Assert.Equal(TransactionStatus.Fenced, again.Status);
        Assert.Equal(TransactionStatus.Committed, successor.Status);
        Assert.Equal(["from the first", "from the second"], ReadCommitted(["task-events"], 2).Select(static r => r.Message.Value).Order());
        Assert.Contains(_cluster.Truth.Events, static e => e.Kind == TruthEventKind.ProducerFenced && e.TransactionalId == "tasks-shared");
    }

    [Fact]
    public async Task A_commit_decided_before_the_coordinator_crashes_is_committed_and_becomes_visible_when_the_next_coordinator_writes_its_markers()
    {
        await using var publisher = Publisher("tasks-crash");
        await publisher.InitializeAsync();
        var coordinator = _cluster.CoordinatorOf("tasks-crash");
        _cluster.Apply(new HoldTransactionMarkers(coordinator));

        var outcome = await publisher.PublishAsync([Message("task-events", "t1", "one"), Message("audit-log", "t1", "two")]);

        Assert.Equal(TransactionStatus.Committed, outcome.Status);
        Assert.All(_cluster.Describe().Topics.Where(static t => t.Name is "task-events" or "audit-log").SelectMany(static t => t.Partitions), static p => Assert.Equal(0, p.LastStableOffset));
        _cluster.CrashBroker(coordinator);
        Assert.Equal(["one", "two"], ReadCommitted(["task-events", "audit-log"], 2).Select(static r => r.Message.Value).Order());
    }

    [Fact]
    public void A_configuration_that_contradicts_transactions_is_refused_with_every_rule_it_breaks()
    {
        var error = Assert.Throws<ReliableKafkaConfigurationException>(() => new TransactionalPublisher<string, string>(new TransactionalPublisherOptions
        {
            BootstrapServers = _cluster.BootstrapServers,
            TransactionalId = " ",
            Settings = { ["enable.idempotence"] = "false", ["delivery.timeout.ms"] = "120000" },
        }));

        Assert.Contains(error.Findings, static f => f.RuleId == RuleIds.TransactionalRequiresIdempotence && f.Message.Contains("is empty", StringComparison.Ordinal));
        Assert.Contains(error.Findings, static f => f.RuleId == RuleIds.TransactionalRequiresIdempotence && f.Message.Contains("enable.idempotence=false", StringComparison.Ordinal));
        Assert.Contains(error.Findings, static f => f.RuleId == RuleIds.TransactionTimeout && f.Message.Contains("delivery.timeout.ms=120000", StringComparison.Ordinal));
    }

    /// <summary>
    /// Random batches over three topics, some with a message the topic refuses: each call's outcome is Committed or
    /// Aborted, and the read_committed view is exactly the committed batches, each whole. Replay with the printed seed.
    /// </summary>
    [Fact]
    public async Task Random_batches_are_visible_exactly_when_committed_and_each_whole()
    {
        var message = Gen.Select(Gen.OneOf("task-events", "audit-log", "small"), Gen.Bool.Select(static b => b), static (topic, poison) => (Topic: topic, Poison: poison && topic == "small"));
        var batches = message.Array[1, 4].Array[1, 6];
        var seed = Environment.GetEnvironmentVariable("RK_TRANSACTIONS_SEED") ?? new PCG(7, (ulong)Environment.TickCount64).ToString();
        output.WriteLine($"seed {seed} (RK_TRANSACTIONS_SEED={seed} replays it)");
        var drawn = batches.Generate(PCG.Parse(seed), null, out _);
        await using var publisher = Publisher("tasks-random");
        var committed = new List<string>();
        var aborted = new List<string>();
        for (var b = 0; b < drawn.Length; b++)
        {
            var batch = drawn[b].Select((m, i) => Message(m.Topic, $"b{b}", m.Poison ? new string('x', 1000) : $"b{b}-m{i}")).ToList();
            var outcome = await publisher.PublishAsync(batch);
            var values = batch.Where(static m => m.Message.Value.Length < 1000).Select(static m => m.Message.Value);
            var poisoned = drawn[b].Any(static m => m.Poison);
            Assert.True(outcome.Status == (poisoned ? TransactionStatus.Aborted : TransactionStatus.Committed), $"seed {seed}, batch {b}: {outcome.Status} {outcome.Reason}");
            (poisoned ? aborted : committed).AddRange(values);
        }

        // A committed sentinel after the last batch: everything before it is decided and visible.
        Assert.True((await publisher.PublishAsync([Message("task-events", "end", "end"), Message("audit-log", "end", "end"), Message("small", "end", "end")])).IsCommitted);
        var seen = ReadCommitted(["task-events", "audit-log", "small"], committed.Count + 3).Select(static r => r.Message.Value).Where(static v => v != "end").ToList();
        Assert.Equal(committed.Order(), seen.Order());
        Assert.Empty(seen.Intersect(aborted));
    }

    private TransactionalPublisher<string, string> Publisher(string transactionalId) => new(new TransactionalPublisherOptions
    {
        BootstrapServers = _cluster.BootstrapServers,
        TransactionalId = transactionalId,
        TransactionTimeout = TimeSpan.FromSeconds(20),
        OperationTimeout = Patience,
        Settings = { ["linger.ms"] = "2" },
    });

    private static TransactionalMessage<string, string> Message(string topic, string key, string value) => new(topic, new Message<string, string> { Key = key, Value = value });

    /// <summary>Reads the topics read_committed from the beginning until <paramref name="count"/> records came.</summary>
    private List<ConsumeResult<string, string>> ReadCommitted(IReadOnlyList<string> topics, int count)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).SetLogHandler(static (_, _) => { }).Build();
        consumer.Assign(topics.SelectMany(t => _cluster.Describe().Topics.Single(d => d.Name == t).Partitions.Select(p => new TopicPartitionOffset(t, p.Partition, Offset.Beginning))));
        var records = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow + Patience;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        Assert.Equal(count, records.Count);
        return records;
    }
}
