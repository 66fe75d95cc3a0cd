using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Groups;

/// <summary>Consumer groups with Confluent.Kafka (librdkafka) consumers, through real sockets.</summary>
public sealed class ConfluentConsumerGroupTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private ConsumerConfig ConsumerConfig(string groupId) => new()
    {
        BootstrapServers = _cluster.BootstrapServers,
        GroupId = groupId,
        SessionTimeoutMs = 6000,
        HeartbeatIntervalMs = 500,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
    };

    private async Task ProduceAsync(string topic, int count)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers, Acks = Acks.All, EnableIdempotence = true })
            .SetLogHandler(static (_, _) => { })
            .Build();
        for (var i = 0; i < count; i++)
        {
            var delivered = await producer.ProduceAsync(topic, new Message<Null, string> { Value = $"m-{i}" });
            Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        }
    }

    private static List<ConsumeResult<Ignore, string>> Read(IConsumer<Ignore, string> consumer, int count)
    {
        var records = new List<ConsumeResult<Ignore, string>>();
        var deadline = DateTime.UtcNow + Patience;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>Consumes 40 of 100 records in <paramref name="group"/>, commits and closes; returns what was committed.</summary>
    private List<TopicPartitionOffset> ConsumeFortyAndCommit(string topic, string group)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(ConsumerConfig(group)).SetLogHandler(static (_, _) => { }).Build();
        consumer.Subscribe(topic);
        var first = Read(consumer, 40);
        Assert.Equal(Enumerable.Range(0, 40).Select(static i => $"m-{i}"), first.Select(static r => r.Message.Value));
        var committed = consumer.Commit();
        consumer.Close();
        return committed;
    }

    private void ResumesAtTheFortyFirst(string topic, string group)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(ConsumerConfig(group)).SetLogHandler(static (_, _) => { }).Build();
        consumer.Subscribe(topic);
        var rest = Read(consumer, 60);
        consumer.Close();

        Assert.Equal(60, rest.Count);
        Assert.Equal((40L, "m-40"), (rest[0].Offset.Value, rest[0].Message.Value));
        Assert.Equal(Enumerable.Range(40, 60).Select(static i => $"m-{i}"), rest.Select(static r => r.Message.Value));
    }

    [Fact]
    public async Task Two_consumers_share_four_partitions_and_the_survivor_takes_all_when_one_closes()
    {
        const string Topic = "shared";
        _cluster.CreateTopic(Topic, new TopicSettings(4, 3, 2));
        await using var first = new PollingConsumer(ConsumerConfig("sharing"), Topic);
        await using var second = new PollingConsumer(ConsumerConfig("sharing"), Topic);
        string Describe() => $"first [{string.Join(',', first.Assigned)}], second [{string.Join(',', second.Assigned)}], group {_cluster.Handler.Groups.Describe("sharing")}";

        await Eventually.WaitUntilAsync(
            () => first.Assigned.Count > 0 && second.Assigned.Count > 0 && first.Assigned.Concat(second.Assigned).Order().SequenceEqual([0, 1, 2, 3]),
            Patience,
            "the two consumers sharing the 4 partitions",
            Describe);
        await second.DisposeAsync();
        await Eventually.WaitUntilAsync(() => first.Assigned.SequenceEqual([0, 1, 2, 3]), Patience, "the remaining consumer taking all 4 partitions", Describe);

        var group = _cluster.Handler.Groups.Describe("sharing")!;
        Assert.Equal(GroupState.Stable, group.State);
        Assert.Single(group.Members);
    }

    [Fact]
    public async Task Committed_offsets_survive_a_consumer_restart()
    {
        const string Topic = "restartable";
        _cluster.CreateTopic(Topic, new TopicSettings(1, 3, 2));
        await ProduceAsync(Topic, 100);

        var committed = ConsumeFortyAndCommit(Topic, "g");

        Assert.Equal(40, Assert.Single(committed).Offset.Value);
        Assert.Equal(40, _cluster.Handler.Groups.Committed("g", Topic, 0)!.Offset);
        ResumesAtTheFortyFirst(Topic, "g");
    }

    [Fact]
    public async Task Committed_offsets_survive_a_crash_of_the_coordinator_broker()
    {
        const string Topic = "crashable";
        const string Group = "g-crash";
        _cluster.CreateTopic(Topic, new TopicSettings(1, 3, 2));
        await ProduceAsync(Topic, 100);
        ConsumeFortyAndCommit(Topic, Group);
        var coordinator = _cluster.Handler.CoordinatorOf(Group);

        _cluster.CrashBroker(coordinator);

        var successor = _cluster.Handler.CoordinatorOf(Group);
        Assert.NotEqual(coordinator, successor);
        Assert.NotEqual(-1, successor);
        ResumesAtTheFortyFirst(Topic, Group);
    }

    /// <summary>A subscribed consumer polled on its own thread; <see cref="Assigned"/> is its assignment after each poll.</summary>
    private sealed class PollingConsumer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private volatile int[] _assigned = [];
        private int _disposed;

        public PollingConsumer(ConsumerConfig config, string topic) =>
            _loop = Task.Factory.StartNew(() => Run(config, topic), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        public IReadOnlyList<int> Assigned => _assigned;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                await _stop.CancelAsync();
                await _loop;
                _stop.Dispose();
            }
        }

        private void Run(ConsumerConfig config, string topic)
        {
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler(static (_, _) => { }).Build();
            consumer.Subscribe(topic);
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    consumer.Consume(TimeSpan.FromMilliseconds(50));
                }
                catch (ConsumeException)
                {
                    // A transient error while the group settles; keep polling.
                }

                _assigned = [.. consumer.Assignment.Select(static p => p.Partition.Value).Order()];
            }

            consumer.Close();
        }
    }
}
