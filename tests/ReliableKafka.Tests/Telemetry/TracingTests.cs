using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Telemetry;
using ReliableKafka.Tests.Outbox;

namespace ReliableKafka.Tests.Telemetry;

/// <summary>The producer span per message and the W3C trace context it sends, read back by a real consumer.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_published_message_has_a_producer_span_under_the_callers_activity_and_carries_its_trace_context()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("traced", new TopicSettings(1, 3, 2));
        using var root = new Activity("POST /tasks").SetIdFormat(ActivityIdFormat.W3C).Start();
        root.TraceStateString = "rk=1";
        var stopped = new ConcurrentQueue<Activity>();

        // Only this test's trace is sampled: producers of tests running beside it stay untraced.
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == ReliableKafkaTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => options.Parent.TraceId == root.TraceId ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var producer = new ReliableProducer<string, string>(new ReliableProducerOptions { BootstrapServers = cluster.BootstrapServers, Name = "traced-producer" });

        var headers = new Headers { { "event-id", Encoding.UTF8.GetBytes("event-1") }, { "traceparent", Encoding.ASCII.GetBytes("00-stale") } };
        var outcome = await producer.PublishAsync("traced", "task-1", "created", headers);

        Assert.True(outcome.IsDelivered, outcome.ToString());
        Assert.Same(root, Activity.Current);
        var span = Assert.Single(stopped);
        Assert.Equal((root.TraceId, root.SpanId, ActivityKind.Producer, ActivityStatusCode.Ok), (span.TraceId, span.ParentSpanId, span.Kind, span.Status));
        Assert.Equal("publish traced", span.DisplayName);
        Assert.Equal("kafka", span.GetTagItem("messaging.system"));
        Assert.Equal("event-1", span.GetTagItem("messaging.message.id"));
        Assert.Equal("traced", span.GetTagItem(ReliableKafkaTelemetry.TagTopic));
        Assert.Equal("0", span.GetTagItem("messaging.destination.partition.id"));
        Assert.Equal(outcome.Offset, span.GetTagItem("messaging.kafka.offset"));
        Assert.Equal("00-stale", Encoding.ASCII.GetString(headers.GetLastBytes("traceparent")));

        // Outside the trace: no span, no header.
        Activity.Current = null;
        Assert.True((await producer.PublishAsync("traced", "task-2", "created", new Headers { { "event-id", Encoding.UTF8.GetBytes("event-2") } })).IsDelivered);

        var records = OutboxCluster.ReadAll(cluster, "traced", 2);
        var traced = records.Single(static r => r.Key == "task-1");
        Assert.Equal(span.Id, Encoding.ASCII.GetString(traced.Headers.GetLastBytes(ReliableKafkaTelemetry.TraceParentHeader)));
        Assert.Equal("rk=1", Encoding.ASCII.GetString(traced.Headers.GetLastBytes(ReliableKafkaTelemetry.TraceStateHeader)));
        Assert.Single(traced.Headers, static h => h.Key == ReliableKafkaTelemetry.TraceParentHeader);
        Assert.Equal("event-1", Encoding.UTF8.GetString(traced.Headers.GetLastBytes("event-id")));
        Assert.DoesNotContain(records.Single(static r => r.Key == "task-2").Headers, static h => h.Key == ReliableKafkaTelemetry.TraceParentHeader);
        Assert.Single(stopped);
    }

    /// <summary>
    /// One trace from the request that writes an outbox event, through the relay's publish, to the idempotent consumer
    /// that applies it: the outbox row keeps the writer's trace context, the producer span continues it, and the
    /// consumer's process span is the producer span's child.
    /// </summary>
    [Fact]
    public async Task One_trace_runs_from_the_outbox_write_through_the_relay_to_the_idempotent_consumer()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("task-events", new TopicSettings(1, 3, 2));
        await using var database = await OutboxDatabase.CreateAsync("sqlite");
        var stopped = new ConcurrentQueue<Activity>();
        var request = new Activity("POST /tasks").SetIdFormat(ActivityIdFormat.W3C);
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == ReliableKafkaTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => options.Parent.TraceId == request.TraceId || (options.Links?.Any(l => l.Context.TraceId == request.TraceId) ?? false)
                ? ActivitySamplingResult.AllDataAndRecorded
                : ActivitySamplingResult.None,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        // The request writes the event in its transaction, then ends; the relay runs in no trace of its own.
        request.Start();
        await database.WriteAsync("task-events", "task-1", "created", "event-1");
        request.Stop();
        Activity.Current = null;
        await using var producer = OutboxCluster.Producer(cluster);
        using var relay = new ReliableKafka.Outbox.OutboxRelay(database.Store, producer);
        Assert.Equal(1, await relay.RelayOnceAsync(CancellationToken.None));

        var path = Path.Combine(Path.GetTempPath(), $"rk-traced-{Guid.NewGuid():N}.db");
        var options = new ReliableKafka.Consuming.IdempotentConsumerOptions { BootstrapServers = cluster.BootstrapServers, GroupId = "notifier" };
        options.Topics.Add("task-events");
        using var consumer = new ReliableKafka.Consuming.IdempotentConsumer(options, async token =>
        {
            var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
            await connection.OpenAsync(token);
            return connection;
        }, static (_, _, _, _) => Task.CompletedTask);
        await consumer.StartAsync(CancellationToken.None);
        await OutboxCluster.WaitUntilAsync(() => Task.FromResult(stopped.Any(static a => a.Kind == ActivityKind.Consumer)), TimeSpan.FromSeconds(30), "the consumer's process span");
        await consumer.StopAsync(CancellationToken.None);

        var write = Assert.Single(stopped, static a => a.DisplayName == "outbox write task-events");
        var publish = Assert.Single(stopped, static a => a.Kind == ActivityKind.Producer);
        var process = Assert.Single(stopped, static a => a.Kind == ActivityKind.Consumer);
        Assert.Equal((request.TraceId, request.SpanId), (write.TraceId, write.ParentSpanId));
        Assert.Equal((request.TraceId, write.SpanId), (publish.TraceId, publish.ParentSpanId));
        Assert.Equal((request.TraceId, publish.SpanId), (process.TraceId, process.ParentSpanId));
        Assert.Equal(("process task-events", "event-1", "processed"), (process.DisplayName, process.GetTagItem("messaging.message.id"), process.GetTagItem("reliablekafka.consumer.outcome")));

        // The relay's round: its own trace, linked to the event's, and the parent of nothing.
        var round = Assert.Single(stopped, static a => a.DisplayName == "outbox relay round");
        Assert.NotEqual(request.TraceId, round.TraceId);
        Assert.Equal(write.SpanId, Assert.Single(round.Links).Context.SpanId);
        Assert.Equal((1, 1), ((int)round.GetTagItem("reliablekafka.outbox.claimed")!, (int)round.GetTagItem("reliablekafka.outbox.sent")!));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(path);
    }

    /// <summary>A replayed dead letter starts a new trace, linked to the one it carries from its first life.</summary>
    [Fact]
    public async Task A_replay_is_a_new_trace_linked_to_the_dead_letters_original_trace()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("orders", new TopicSettings(1, 3, 2));
        var original = ActivityTraceId.CreateRandom();
        var started = new ConcurrentDictionary<ActivityTraceId, bool>();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == ReliableKafkaTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                (options.Links?.Any(l => l.Context.TraceId == original) ?? false) || started.ContainsKey(options.Parent.TraceId)
                    ? ActivitySamplingResult.AllDataAndRecorded
                    : ActivitySamplingResult.None,
            ActivityStarted = a => started.TryAdd(a.TraceId, true),
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var letterHeaders = new Headers
        {
            { ReliableKafka.DeadLetters.DeadLetterHeaders.OriginalTopic, Encoding.UTF8.GetBytes("orders") },
            { ReliableKafka.DeadLetters.DeadLetterHeaders.EventId, Encoding.UTF8.GetBytes("event-9") },
            { ReliableKafkaTelemetry.TraceParentHeader, Encoding.ASCII.GetBytes($"00-{original}-{ActivitySpanId.CreateRandom()}-01") },
        };
        var letter = ReliableKafka.DeadLetters.DeadLetter.FromRecord(new TopicPartitionOffset("dead-letter-queue", 0, 7), Encoding.UTF8.GetBytes("order-9"), Encoding.UTF8.GetBytes("{}"), letterHeaders)!;
        Activity.Current = null;

        await using (var replayer = new ReliableKafka.DeadLetters.DeadLetterReplayer(cluster.BootstrapServers, new DeadLetterOptions()))
        {
            Assert.True(Assert.Single(await replayer.ReplayAsync([letter])).IsDelivered);
        }

        var replay = Assert.Single(stopped, static a => a.DisplayName == "replay orders");
        Assert.NotEqual(original, replay.TraceId);
        Assert.Equal(original, Assert.Single(replay.Links).Context.TraceId);
        var publish = Assert.Single(stopped, static a => a.Kind == ActivityKind.Producer);
        Assert.Equal((replay.TraceId, replay.SpanId), (publish.TraceId, publish.ParentSpanId));
        var record = Assert.Single(OutboxCluster.ReadAll(cluster, "orders", 1));
        Assert.Equal(publish.Id, Encoding.ASCII.GetString(record.Headers.GetLastBytes(ReliableKafkaTelemetry.TraceParentHeader)));
    }
}
