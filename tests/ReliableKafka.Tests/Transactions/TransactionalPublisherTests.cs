using Confluent.Kafka;
using CsCheck;
using ReliableKafka.Configuration;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Testing;
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
    public async Task A_second_instance_fences_a_transaction_left_open_in_its_commit_and_none_of_that_transaction_is_ever_visible()
    {
        const int Refusals = 1_000_000;
        await using var zombie = Publisher("tasks-zombie");
        await zombie.InitializeAsync();
        var coordinator = _cluster.CoordinatorOf("tasks-zombie");

        // The coordinator answers the commit with a retriable error and does nothing: the transaction stays open, written
        // but undecided, while librdkafka retries EndTxn.
        var refuse = _cluster.Apply(new InjectError(coordinator, KafkaErrorCode.ConcurrentTransactions, ApiKey.EndTxn, Refusals));
        var pending = zombie.PublishAsync([Message("task-events", "z", "zombie"), Message("audit-log", "z", "zombie audit")]);
        await Eventually.WaitUntilAsync(() => refuse.Remaining < Refusals, Patience, "the zombie's commit reaching its coordinator");
        await using var successor = Publisher("tasks-zombie");
        await successor.InitializeAsync();
        refuse.Remove();

        var fenced = await pending;
        var after = await zombie.PublishAsync([Message("task-events", "z2", "zombie again")]);
        var committed = await successor.PublishAsync([Message("task-events", "s", "successor"), Message("audit-log", "s", "successor audit")]);

        Assert.True(fenced.Status == TransactionStatus.Fenced, $"{fenced.Status}: {fenced.Reason}");
        Assert.Empty(fenced.Offsets);
        Assert.Equal(TransactionStatus.Fenced, after.Status);
        Assert.True(committed.IsCommitted, committed.Reason);
        Assert.Equal(["successor", "successor audit"], ReadCommitted(["task-events", "audit-log"], 2).Select(static r => r.Message.Value).Order());
        // The zombie's records are in the logs (read_uncommitted sees them): the abort, not a refusal, hides them.
        Assert.Equal(["successor", "successor audit", "zombie", "zombie audit"], Read(["task-events", "audit-log"], 4, IsolationLevel.ReadUncommitted).Select(static r => r.Message.Value).Order());
        Assert.Contains(_cluster.Truth.Events, static e => e.Kind == TruthEventKind.TransactionDecided && e.TransactionalId == "tasks-zombie"
            && e.Outcome == TransactionResult.Abort && e.Cause == TransactionCause.Fenced);
    }

    [Fact]
    public async Task A_commit_whose_result_stays_unknown_is_reported_unknown_and_the_next_call_commits_on_a_new_client()
    {
        // A short operation timeout, so that the commit's attempts give up soon; the first InitTransactions may need longer.
        await using var publisher = Publisher("tasks-unknown", TimeSpan.FromSeconds(2));
        await Eventually.WaitUntilAsync(() => Initialized(publisher), Patience, "the transactional.id initialised");
        var coordinator = _cluster.CoordinatorOf("tasks-unknown");
        var refuse = _cluster.Apply(new InjectError(coordinator, KafkaErrorCode.ConcurrentTransactions, ApiKey.EndTxn, 1_000_000));

        var unknown = await publisher.PublishAsync([Message("task-events", "u", "undecided"), Message("audit-log", "u", "undecided audit")]);
        refuse.Remove();
        var next = await publisher.PublishAsync([Message("task-events", "n", "next"), Message("audit-log", "n", "next audit")]);

        Assert.True(unknown.Status == TransactionStatus.Unknown, $"{unknown.Status}: {unknown.Reason}");
        Assert.Contains("may have committed", unknown.Reason, StringComparison.Ordinal);
        Assert.True(next.IsCommitted, $"{next.Status}: {next.Reason}");
        // Every EndTxn of the undecided transaction was refused without effect, so the new client's InitTransactions
        // aborted it: it is not visible, and what is visible is whole.
        Assert.Equal(["next", "next audit"], ReadCommitted(["task-events", "audit-log"], 2).Select(static r => r.Message.Value).Order());
        Assert.Contains(_cluster.Truth.Events, static e => e.Kind == TruthEventKind.TransactionDecided && e.TransactionalId == "tasks-unknown" && e.Outcome == TransactionResult.Abort);
    }

    [Fact]
    public async Task Concurrent_calls_take_turns_and_each_transaction_is_committed_whole()
    {
        await using var publisher = Publisher("tasks-concurrent");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => publisher.PublishAsync([Message("small", $"c{i}", $"c{i}-a"), Message("small", $"c{i}", $"c{i}-b")]))));

        Assert.All(outcomes, static o => Assert.True(o.IsCommitted, o.Reason));
        // One partition: a transaction's two records are next to each other, never interleaved with another call's.
        Assert.All(outcomes, static o => Assert.Equal(o.Offsets[0].Offset.Value + 1, o.Offsets[1].Offset.Value));
        Assert.Equal(16, ReadCommitted(["small"], 16).Select(static r => r.Message.Value).Distinct().Count());
    }

    [Fact]
    public async Task A_message_to_a_topic_that_does_not_exist_aborts_its_transaction_with_the_reason_and_the_next_one_commits()
    {
        // librdkafka holds a message for a topic the cluster does not know for topic.metadata.propagation.max.ms (30 s by
        // default; past the delivery timeout it fails as Local_MsgTimedOut instead): shortened here.
        await using var publisher = Publisher("tasks-missing", ("topic.metadata.propagation.max.ms", "500"));

        var aborted = await publisher.PublishAsync([Message("task-events", "t1", "first"), Message("no-such-topic", "t1", "lost")]);
        var committed = await publisher.PublishAsync([Message("task-events", "t2", "second"), Message("audit-log", "t2", "audited")]);

        Assert.True(aborted.Status == TransactionStatus.Aborted, $"{aborted.Status}: {aborted.Reason}");
        Assert.Equal(ErrorCode.UnknownTopicOrPart, aborted.Error?.Code);
        Assert.Contains("UnknownTopicOrPart", aborted.Reason, StringComparison.Ordinal);
        Assert.Contains("publishing it again is safe", aborted.Reason, StringComparison.Ordinal);
        Assert.True(committed.IsCommitted, committed.Reason);
        Assert.Equal(["audited", "second"], ReadCommitted(["task-events", "audit-log"], 2).Select(static r => r.Message.Value).Order());
        Assert.DoesNotContain(_cluster.Describe().Topics, static t => t.Name == "no-such-topic");
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

    private TransactionalPublisher<string, string> Publisher(string transactionalId, params (string Key, string Value)[] settings) => Publisher(transactionalId, Patience, settings);

    private TransactionalPublisher<string, string> Publisher(string transactionalId, TimeSpan operationTimeout, params (string Key, string Value)[] settings)
    {
        var options = new TransactionalPublisherOptions
        {
            BootstrapServers = _cluster.BootstrapServers,
            TransactionalId = transactionalId,
            TransactionTimeout = TimeSpan.FromSeconds(20),
            OperationTimeout = operationTimeout,
            Settings = { ["linger.ms"] = "2" },
        };
        foreach (var (key, value) in settings)
        {
            options.Settings[key] = value;
        }

        return new(options);
    }

    private static async Task<bool> Initialized(TransactionalPublisher<string, string> publisher)
    {
        try
        {
            await publisher.InitializeAsync();
            return true;
        }
        catch (KafkaRetriableException)
        {
            return false;
        }
    }

    private static TransactionalMessage<string, string> Message(string topic, string key, string value) => new(topic, new Message<string, string> { Key = key, Value = value });

    /// <summary>Reads the topics read_committed from the beginning until <paramref name="count"/> records came.</summary>
    private List<ConsumeResult<string, string>> ReadCommitted(IReadOnlyList<string> topics, int count) => Read(topics, count, IsolationLevel.ReadCommitted);

    /// <summary>Reads the topics from the beginning until <paramref name="count"/> records came.</summary>
    private List<ConsumeResult<string, string>> Read(IReadOnlyList<string> topics, int count, IsolationLevel isolation)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            IsolationLevel = isolation,
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
