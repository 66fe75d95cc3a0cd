using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Cli.Tests.Interop;

/// <summary>
/// Kafka transactions through the foreign clients, over real sockets to an in-process simulated cluster: Debian's
/// python3-confluent-kafka (an older librdkafka), kcat and kafkajs (a pure JavaScript implementation) run transactions
/// and read_committed consumers, and see exactly the committed records.
/// </summary>
public sealed class TransactionInteropTests : IAsyncLifetime
{
    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = false });
        foreach (var topic in new[] { "py-orders", "py-audit", "py-input", "kc-orders", "js-orders", "js-audit", "js-input" })
        {
            _cluster.CreateTopic(topic, new TopicSettings(topic.EndsWith("input", StringComparison.Ordinal) ? 1 : 3, 3, 2));
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    [Trait("Requires", "Python")]
    public async Task Python_confluent_kafka_commits_aborts_and_sends_offsets_in_transactions_and_its_read_committed_consumer_sees_only_commits()
    {
        var script = Path.Combine(Path.GetTempPath(), $"rk-txn-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, PythonScript);
        try
        {
            Seed("py-input", 2);
            var run = await ExternalTool.RunAsync("/usr/bin/python3", [script, _cluster.BootstrapServers], timeout: TimeSpan.FromSeconds(120));

            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            Assert.Contains("read_committed committed=8 aborted=0", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("read_uncommitted committed=8 aborted=2", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("input offset=2", run.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    [Trait("Requires", "Kcat")]
    public async Task Kcat_reads_committed_records_only_with_read_committed_and_aborted_ones_too_without()
    {
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers, TransactionalId = "kcat-writer" }).Build())
        {
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            foreach (var (name, commit) in new[] { ("committed-a", true), ("aborted", false), ("committed-b", true) })
            {
                producer.BeginTransaction();
                producer.Produce(new TopicPartition("kc-orders", 0), new Message<string, string> { Key = "k", Value = name });
                producer.Flush(TimeSpan.FromSeconds(30));
                if (commit)
                {
                    producer.CommitTransaction(TimeSpan.FromSeconds(30));
                }
                else
                {
                    producer.AbortTransaction(TimeSpan.FromSeconds(30));
                }
            }
        }

        var committed = await ExternalTool.RunAsync("/usr/bin/kcat", ["-b", _cluster.BootstrapServers, "-C", "-t", "kc-orders", "-p", "0", "-o", "beginning", "-e", "-q", "-X", "isolation.level=read_committed"]);
        var uncommitted = await ExternalTool.RunAsync("/usr/bin/kcat", ["-b", _cluster.BootstrapServers, "-C", "-t", "kc-orders", "-p", "0", "-o", "beginning", "-e", "-q", "-X", "isolation.level=read_uncommitted"]);

        Assert.True(committed.ExitCode == 0, committed.Stderr);
        Assert.Equal(["committed-a", "committed-b"], Lines(committed.Stdout));
        Assert.Equal(["committed-a", "aborted", "committed-b"], Lines(uncommitted.Stdout));
    }

    [Fact]
    [Trait("Requires", "Node")]
    public async Task Kafkajs_commits_aborts_and_sends_offsets_in_transactions_and_its_read_committed_consumer_sees_only_commits()
    {
        var interop = Path.Combine(ExternalTool.RepositoryRoot, "tests", "interop", "kafkajs");
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", "kafkajs")), "run 'npm ci' in tests/interop/kafkajs (.ci/test does)");
        Seed("js-input", 2);

        var run = await ExternalTool.RunAsync("node", [Path.Combine(interop, "transactions.js"), _cluster.BootstrapServers], timeout: TimeSpan.FromSeconds(120));

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("committed-seen=5 aborted-seen=0 offset=2", run.Stdout, StringComparison.Ordinal);
        Assert.Contains(_cluster.Truth.Events, static e => e.Kind == TruthEventKind.TransactionDecided && e.TransactionalId == "kafkajs-txn" && e.Outcome == TransactionResult.Abort);
    }

    private void Seed(string topic, int count)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers, EnableIdempotence = true }).Build();
        for (var i = 0; i < count; i++)
        {
            producer.Produce(new TopicPartition(topic, 0), new Message<string, string> { Key = $"in-{i}", Value = $"in-{i}" });
        }

        producer.Flush(TimeSpan.FromSeconds(30));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private const string PythonScript = """
        import sys
        import time
        from confluent_kafka import Consumer, Producer, TopicPartition

        bootstrap = sys.argv[1]
        producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": "py-txn", "linger.ms": 2})
        producer.init_transactions(30)

        def transaction(values, commit):
            producer.begin_transaction()
            for index, value in enumerate(values):
                producer.produce("py-orders", key="k%d" % index, value=value)
                producer.produce("py-audit", key="k%d" % index, value="audit-" + value)
            producer.flush(30)
            if commit:
                producer.commit_transaction(30)
            else:
                producer.abort_transaction(30)

        transaction(["committed-0", "committed-1"], True)
        transaction(["aborted-0"], False)

        # Consume-transform-produce: the input's offsets committed with the output.
        source = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-transform", "enable.auto.commit": False,
                           "auto.offset.reset": "earliest", "isolation.level": "read_committed"})
        source.subscribe(["py-input"])
        taken = []
        while len(taken) < 2:
            record = source.poll(1.0)
            if record is not None and record.error() is None:
                taken.append(record)
        producer.begin_transaction()
        for record in taken:
            producer.produce("py-orders", key=record.key(), value=b"committed-t-" + record.value())
            producer.produce("py-audit", key=record.key(), value=b"audit-committed-t-" + record.value())
        producer.send_offsets_to_transaction([TopicPartition("py-input", 0, taken[-1].offset() + 1)], source.consumer_group_metadata(), 30)
        producer.commit_transaction(30)
        # The offsets take effect once the coordinator has written the markers, a moment after the commit returns.
        offset = -1
        for attempt in range(300):
            offset = source.committed([TopicPartition("py-input", 0)], 30)[0].offset
            if offset == taken[-1].offset() + 1:
                break
            time.sleep(0.1)
        print("input offset=%d" % offset)
        source.close()

        # A committed end marker per partition, so a reader knows when it has read everything before it.
        producer.begin_transaction()
        for topic in ("py-orders", "py-audit"):
            for partition in range(3):
                producer.produce(topic, value="end", partition=partition)
        producer.commit_transaction(30)

        def read(isolation):
            consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-reader-" + isolation, "enable.auto.commit": False,
                                 "auto.offset.reset": "earliest", "isolation.level": isolation})
            consumer.assign([TopicPartition(t, p, 0) for t in ("py-orders", "py-audit") for p in range(3)])
            values, ended = [], set()
            while len(ended) < 6:
                record = consumer.poll(1.0)
                if record is None or record.error() is not None:
                    continue
                value = record.value().decode()
                if value == "end":
                    ended.add((record.topic(), record.partition()))
                else:
                    values.append(value)
            consumer.close()
            committed = [v for v in values if "committed" in v]
            aborted = [v for v in values if "aborted" in v]
            print("%s committed=%d aborted=%d %s" % (isolation, len(committed), len(aborted), sorted(values)))

        read("read_committed")
        read("read_uncommitted")
        """;
}
