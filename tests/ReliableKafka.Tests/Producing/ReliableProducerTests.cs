using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using ReliableKafka.Configuration;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Testing;
using ReliableKafka.Tests.Infrastructure;

namespace ReliableKafka.Tests.Producing;

public sealed class ReliableProducerTests : IDisposable
{
    private readonly MockKafkaCluster _cluster = MockKafkaCluster.Start(3);
    private readonly string _spill = TestProducers.TempSpillPath();
    private readonly CapturingLogger _log = new();

    public void Dispose()
    {
        _cluster.Dispose();
        File.Delete(_spill);
    }

    [Fact]
    public async Task PublishAsync_returns_delivered_with_partition_offset_and_latency()
    {
        _cluster.CreateTopic("task-events", 3, 3);
        await using var producer = new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log);

        var first = await producer.PublishAsync("task-events", "task-1", "created");
        var second = await producer.PublishAsync("task-events", "task-1", "completed");

        Assert.Equal(DeliveryStatus.Delivered, first.Status);
        Assert.Equal(PersistenceStatus.Persisted, first.Persistence);
        Assert.Equal(FailureKind.None, first.Kind);
        Assert.InRange(first.Partition, 0, 2);
        Assert.Equal(first.Partition, second.Partition);
        Assert.Equal(first.Offset + 1, second.Offset);
        Assert.True(first.Latency > TimeSpan.Zero);
        Assert.Equal($"Delivered to task-events [{first.Partition}] @ {first.Offset}", first.ToString()[..first.ToString().IndexOf(" in ", StringComparison.Ordinal)]);
        Assert.Equal(0, producer.InFlight);
    }

    [Fact]
    public async Task Not_enough_replicas_is_retried_by_the_client_and_delivered()
    {
        _cluster.CreateTopic("orders", 1, 3);
        await using var producer = new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log);
        _cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicasAfterAppend);

        var outcome = await producer.PublishAsync("orders", "order-1", "placed");

        Assert.True(outcome.IsDelivered, outcome.ToString());
        Assert.Equal(0, outcome.Offset);
        var records = TestProducers.ReadAll(_cluster, "orders", 1, TimeSpan.FromSeconds(10));
        Assert.Equal("placed", Encoding.UTF8.GetString(Assert.Single(records).Value!));
    }

    [Fact]
    public async Task High_throughput_path_reports_every_message_once_without_tasks()
    {
        _cluster.CreateTopic("clicks", 3, 3);
        await using var producer = new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log);
        const int Count = 5000;
        var outcomes = new ConcurrentDictionary<int, DeliveryOutcome>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        for (var i = 0; i < Count; i++)
        {
            producer.Publish("clicks", $"user-{i % 50}", $"click-{i}", null, (outcomes, i, done), static (outcome, state) =>
            {
                Assert.True(state.outcomes.TryAdd(state.i, outcome), $"message {state.i} reported twice");
                if (state.outcomes.Count == Count)
                {
                    state.done.TrySetResult();
                }
            });
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(outcomes.Values, static o => Assert.True(o.IsDelivered, o.ToString()));
        Assert.Equal(Count, outcomes.Values.Select(static o => (o.Partition, o.Offset)).Distinct().Count());
    }

    [Fact]
    public async Task All_brokers_down_past_the_delivery_timeout_fails_every_message_as_retriable()
    {
        _cluster.CreateTopic("payments", 1, 3);
        await using var producer = new ReliableProducer<string, string>(
            TestProducers.Options(_cluster, _spill, TestProducers.ShortTimeout(3000)), _log);
        Assert.True((await producer.PublishAsync("payments", "warm", "up")).IsDelivered);

        // Requests take longer than the delivery timeout, so the messages are in flight when they expire.
        for (var broker = 1; broker <= 3; broker++)
        {
            _cluster.SetBrokerRtt(broker, TimeSpan.FromSeconds(10));
        }

        _cluster.TrackRequests();
        var inFlight = Enumerable.Range(0, 10).Select(i => producer.PublishAsync("payments", $"p-{i}", "charge")).ToList();
        await Eventually.WaitUntilAsync(() => _cluster.ReceivedRequests(ApiKey.Produce) > 0, TimeSpan.FromSeconds(10), "the first 10 messages reaching a broker");
        _cluster.SetAllBrokersDown();
        var queued = Enumerable.Range(10, 10).Select(i => producer.PublishAsync("payments", $"p-{i}", "charge")).ToList();
        var outcomes = await Task.WhenAll(inFlight.Concat(queued)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(20, outcomes.Length);
        Assert.All(outcomes, static o =>
        {
            Assert.Equal(DeliveryStatus.Failed, o.Status);
            Assert.Equal(ErrorCode.Local_MsgTimedOut, o.Error);
            Assert.Equal(FailureKind.Retriable, o.Kind);
            Assert.Equal(FailureDisposition.ReturnedForRetry, o.Disposition);
            Assert.NotEqual(PersistenceStatus.Persisted, o.Persistence);
        });
        Assert.All(outcomes.Take(10), static o => Assert.Equal(PersistenceStatus.PossiblyPersisted, o.Persistence));
        Assert.Equal(20, _log.Lines.Count(static l => l.Text.Contains("failed with Local_MsgTimedOut", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Cancelling_the_wait_says_possibly_persisted_and_the_message_is_still_delivered()
    {
        _cluster.CreateTopic("audit", 1, 3);
        await using var producer = new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log);
        Assert.True((await producer.PublishAsync("audit", "warm", "up")).IsDelivered);
        _cluster.SetAllBrokersDown();

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var outcome = await producer.PublishAsync("audit", "user-7", "logged-in", cancellationToken: cancel.Token).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(DeliveryStatus.Failed, outcome.Status);
        Assert.Equal(FailureDisposition.WaitCancelled, outcome.Disposition);
        Assert.Equal(PersistenceStatus.PossiblyPersisted, outcome.Persistence);
        Assert.Equal(1, producer.InFlight);

        _cluster.SetAllBrokersUp();
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
        var records = TestProducers.ReadAll(_cluster, "audit", 2, TimeSpan.FromSeconds(10));
        Assert.Contains(records, static r => Encoding.UTF8.GetString(r.Value!) == "logged-in");
    }

    [Fact]
    public async Task A_token_cancelled_before_the_call_sends_nothing()
    {
        await using var producer = new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log);

        await Assert.ThrowsAsync<OperationCanceledException>(() => producer.PublishAsync("audit", "k", "v", cancellationToken: new CancellationToken(true)));
        Assert.Equal(0, producer.InFlight);
    }

    [Fact]
    public async Task Dispose_reports_every_undelivered_message_as_failed_and_logs_the_count()
    {
        _cluster.CreateTopic("tasks", 1, 3);
        var options = TestProducers.Options(_cluster, _spill);
        options.ShutdownTimeout = TimeSpan.FromMilliseconds(500);
        var producer = new ReliableProducer<string, string>(options, _log);
        Assert.True((await producer.PublishAsync("tasks", "warm", "up")).IsDelivered);
        _cluster.SetAllBrokersDown();

        var tasks = Enumerable.Range(0, 15).Select(i => producer.PublishAsync("tasks", $"t-{i}", "created")).ToList();
        var callbacks = new ConcurrentBag<DeliveryOutcome>();
        for (var i = 0; i < 15; i++)
        {
            producer.Publish("tasks", $"c-{i}", "created", onOutcome: callbacks.Add);
        }

        await producer.DisposeAsync();

        var outcomes = (await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(5))).Concat(callbacks).ToList();
        Assert.Equal(30, outcomes.Count);
        Assert.All(outcomes, static o =>
        {
            Assert.Equal(DeliveryStatus.Failed, o.Status);
            Assert.Equal(ErrorCode.Local_Destroy, o.Error);
            Assert.Equal(PersistenceStatus.PossiblyPersisted, o.Persistence);
            Assert.Equal(FailureDisposition.ReturnedForRetry, o.Disposition);
        });
        Assert.Contains(_log.Lines, static l => l.Text.StartsWith("30 messages of producer Critical were not delivered before shutdown", StringComparison.Ordinal));
        Assert.Throws<ObjectDisposedException>(() => producer.Publish("tasks", "late", "x"));
    }

    [Fact]
    public async Task A_fatal_client_error_replaces_the_instance_and_fails_its_messages_without_silence()
    {
        _cluster.CreateTopic("ledger", 1, 3);
        await using var producer = new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log);
        Assert.True((await producer.PublishAsync("ledger", "warm", "up")).IsDelivered);
        Assert.Equal(1, producer.InstanceNumber);
        _cluster.SetAllBrokersDown();
        var queued = Enumerable.Range(0, 25).Select(i => producer.PublishAsync("ledger", $"l-{i}", "entry")).ToList();

        MockKafkaCluster.TriggerFatalError(producer.CurrentClient, ErrorCode.OutOfOrderSequenceNumber, "injected by test");
        var outcomes = await Task.WhenAll(queued).WaitAsync(TimeSpan.FromSeconds(20));
        _cluster.SetAllBrokersUp();

        Assert.All(outcomes, static o =>
        {
            Assert.Equal(DeliveryStatus.Failed, o.Status);
            Assert.Equal(FailureKind.Retriable, o.Kind);
            Assert.Equal(FailureDisposition.ReturnedForRetry, o.Disposition);
            Assert.Contains("fatal error (OutOfOrderSequenceNumber", o.Reason, StringComparison.Ordinal);
        });
        Assert.Equal(2, producer.InstanceNumber);
        var after = await producer.PublishAsync("ledger", "l-after", "entry").WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(after.IsDelivered, after.ToString());
        Assert.Contains(_log.Lines, static l => l.Text.Contains("hit a fatal error OutOfOrderSequenceNumber", StringComparison.Ordinal));
    }

    [Fact]
    public void Idempotence_with_ten_in_flight_is_caught_before_librdkafka_sees_it()
    {
        var options = TestProducers.Options(_cluster, _spill, ("enable.idempotence", "true"), ("max.in.flight.requests.per.connection", "10"));

        var exception = Assert.Throws<ReliableKafkaConfigurationException>(() => new ReliableProducer<string, string>(options, _log));

        Assert.Equal(
            "The Critical producer configuration of 'Critical' is invalid (1 error):\n"
            + "  - RK005 enable.idempotence=true requires max.in.flight.requests.per.connection <= 5, but it is 10. Fix: Set max.in.flight.requests.per.connection to 5 (the broker keeps order and removes duplicates for up to 5 requests in flight).",
            exception.Message);
    }

    [Fact]
    public async Task Secrets_never_reach_logs_exceptions_or_the_effective_configuration()
    {
        const string Secret = "Pa55-w0rd-never-print";
        var options = TestProducers.Options(_cluster, _spill, ("sasl.username", "svc"), ("sasl.password", Secret), ("ssl.key.password", Secret));
        await using (var producer = new ReliableProducer<string, string>(options, _log))
        {
            Assert.Equal(SecretRedactor.Mask, producer.Configuration["sasl.password"]);
            Assert.Equal(SecretRedactor.Mask, producer.Configuration["ssl.key.password"]);
            Assert.True((await producer.PublishAsync("secrets", "k", "v")).IsDelivered);
        }

        options.Settings["acks"] = "1";
        options.Settings["compression.type"] = "not-a-codec";
        var invalid = Assert.Throws<ReliableKafkaConfigurationException>(() => new ReliableProducer<string, string>(options, _log));
        options.Settings.Remove("acks");
        var rejected = Assert.Throws<ReliableKafkaConfigurationException>(() => new ReliableProducer<string, string>(options, _log));

        Assert.Contains("RK008", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("librdkafka rejected the configuration", rejected.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, invalid.Message + rejected.Message, StringComparison.Ordinal);
        Assert.NotEmpty(_log.Lines);
        Assert.DoesNotContain(Secret, _log.All, StringComparison.Ordinal);
    }

    private sealed class FailingSerializer : ISerializer<string>
    {
        public byte[] Serialize(string data, SerializationContext context) => throw new FormatException($"cannot encode '{data}'");
    }

    [Fact]
    public async Task A_value_that_cannot_be_serialized_fails_without_being_sent()
    {
        await using var producer = new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log, valueSerializer: new FailingSerializer());

        var outcome = await producer.PublishAsync("task-events", "k", "bad");

        Assert.Equal(ErrorCode.Local_ValueSerialization, outcome.Error);
        Assert.Equal(PersistenceStatus.NotPersisted, outcome.Persistence);
        Assert.Equal(FailureKind.Fatal, outcome.Kind);
        Assert.Equal("The value could not be serialized: cannot encode 'bad'", outcome.Reason);
        Assert.Equal(0, producer.InFlight);
    }

    [Fact]
    public void A_type_without_a_default_serializer_is_rejected_with_what_to_do()
    {
        var exception = Assert.Throws<ArgumentException>(() => new ReliableProducer<string, Guid>(TestProducers.Options(_cluster, _spill)));

        Assert.Equal(
            "There is no default serializer for Guid. Pass one to the ReliableProducer constructor (keySerializer or valueSerializer), or use string, byte[], int, long, float, double or Null.",
            exception.Message);
    }
}
