using Confluent.Kafka;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Tests.Infrastructure;

public sealed class MockKafkaClusterTests : IDisposable
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(2);

    private readonly MockKafkaCluster _cluster = MockKafkaCluster.Start(brokers: 3);

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task Producer_and_consumer_round_trip_a_message_over_the_mock_brokers()
    {
        var topic = NewTopic();
        _cluster.CreateTopic(topic, partitions: 3, replicationFactor: 3);

        DeliveryResult<string, string> delivered;
        using (var producer = BuildProducer())
        {
            delivered = await producer.ProduceAsync(topic, new Message<string, string> { Key = "k1", Value = "hello mock" });
            producer.Flush(FlushTimeout);
        }

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.InRange(delivered.Partition.Value, 0, 2);

        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "group-" + topic,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<string, string>(consumerConfig).Build();
        consumer.Subscribe(topic);
        try
        {
            ConsumeResult<string, string>? received = null;
            var deadline = DateTime.UtcNow.AddSeconds(8);
            while (received is null && DateTime.UtcNow < deadline)
            {
                received = consumer.Consume(TimeSpan.FromMilliseconds(200));
            }

            Assert.NotNull(received);
            Assert.Equal("k1", received.Message.Key);
            Assert.Equal("hello mock", received.Message.Value);
            Assert.Equal(delivered.TopicPartitionOffset, received.TopicPartitionOffset);
        }
        finally
        {
            consumer.Close();
        }
    }

    [Fact]
    public async Task Idempotent_producer_retries_through_pushed_NotEnoughReplicas_errors()
    {
        var topic = NewTopic();
        _cluster.CreateTopic(topic, partitions: 1, replicationFactor: 3);
        _cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicas);

        using var producer = BuildProducer();
        var delivered = await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "v" });
        producer.Flush(FlushTimeout);

        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        Assert.Equal(topic, delivered.Topic);
        // Written exactly once: the failed attempts left nothing behind.
        Assert.Equal(0, delivered.Offset.Value);
    }

    [Fact]
    public async Task Send_times_out_when_all_brokers_are_down()
    {
        var topic = NewTopic();
        _cluster.CreateTopic(topic);
        _cluster.SetAllBrokersDown();

        // Silence the connection-refused log lines this test provokes on purpose.
        using var producer = new ProducerBuilder<string, string>(ProducerConfig(messageTimeoutMs: 3000))
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, _) => { })
            .Build();
        var ex = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "v" }));
        producer.Flush(FlushTimeout);

        Assert.Equal(ErrorCode.Local_MsgTimedOut, ex.Error.Code);
        Assert.Equal(PersistenceStatus.NotPersisted, ex.DeliveryResult.Status);
    }

    [Fact]
    public async Task TriggerFatalError_reaches_the_producer_error_handler_as_fatal()
    {
        var topic = NewTopic();
        _cluster.CreateTopic(topic);
        var fatal = new TaskCompletionSource<Error>(TaskCreationOptions.RunContinuationsAsynchronously);

        using var producer = new ProducerBuilder<string, string>(ProducerConfig())
            .SetErrorHandler((_, error) =>
            {
                if (error.IsFatal)
                {
                    fatal.TrySetResult(error);
                }
            })
            .Build();
        // Connected and idle before the fatal error hits.
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "before" });

        MockKafkaCluster.TriggerFatalError(producer, ErrorCode.OutOfOrderSequenceNumber, "injected by test");

        var error = await fatal.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(error.IsFatal);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, error.Code);
        Assert.Contains("injected by test", error.Reason, StringComparison.Ordinal);
        producer.Flush(FlushTimeout);
    }

    private static string NewTopic() => "mock-" + Guid.NewGuid().ToString("N");

    private ProducerConfig ProducerConfig(int messageTimeoutMs = 8000) => new()
    {
        BootstrapServers = _cluster.BootstrapServers,
        Acks = Acks.All,
        EnableIdempotence = true,
        MessageTimeoutMs = messageTimeoutMs,
    };

    private IProducer<string, string> BuildProducer(int messageTimeoutMs = 8000) =>
        new ProducerBuilder<string, string>(ProducerConfig(messageTimeoutMs)).Build();
}
