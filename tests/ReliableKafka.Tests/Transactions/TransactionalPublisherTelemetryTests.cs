using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Telemetry;

namespace ReliableKafka.Tests.Transactions;

/// <summary>The span and the counter of <see cref="TransactionalPublisher{TKey, TValue}"/>, against the simulated cluster.</summary>
public sealed class TransactionalPublisherTelemetryTests : IAsyncLifetime
{
    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { AutoCreateTopics = false });
        _cluster.CreateTopic("traced-events", new TopicSettings(1, 3, 2, MaxMessageBytes: 400));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Each_call_is_one_transaction_span_with_its_outcome_and_one_count_by_outcome()
    {
        var name = "traced-" + Guid.NewGuid().ToString("N");
        var counted = new ConcurrentQueue<(long Value, string? Outcome)>();
        using var meter = new MeterListener();
        meter.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == ReliableKafkaTelemetry.MeterName && instrument.Name == ReliableKafkaTelemetry.Transactions)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meter.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray();
            if (all.Any(t => t.Key == ReliableKafkaTelemetry.TagProducer && Equals(t.Value, name)))
            {
                counted.Enqueue((value, all.Single(static t => t.Key == ReliableKafkaTelemetry.TagOutcome).Value as string));
            }
        });
        meter.Start();
        using var root = new Activity("request").Start();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == ReliableKafkaTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => options.Parent.TraceId == root.TraceId ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var publisher = new TransactionalPublisher<string, string>(new TransactionalPublisherOptions
        {
            BootstrapServers = _cluster.BootstrapServers,
            TransactionalId = name,
            TransactionTimeout = TimeSpan.FromSeconds(20),
        });

        var committed = await publisher.PublishAsync([Message("fits"), Message("fits too")]);
        var aborted = await publisher.PublishAsync([Message(new string('x', 1000))]);

        Assert.True(committed.IsCommitted, committed.Reason);
        Assert.Equal(TransactionStatus.Aborted, aborted.Status);
        var spans = stopped.ToList();
        Assert.Equal(["transaction", "transaction"], spans.Select(static s => s.DisplayName));
        Assert.All(spans, s => Assert.Equal((root.SpanId, ActivityKind.Producer, name), (s.ParentSpanId, s.Kind, s.GetTagItem(ReliableKafkaTelemetry.TagProducer))));
        Assert.Equal(
            [("Committed", ActivityStatusCode.Ok, 2), ("Aborted", ActivityStatusCode.Error, 1)],
            spans.Select(static s => ((string?)s.GetTagItem(ReliableKafkaTelemetry.TagOutcome), s.Status, (int?)s.GetTagItem("messaging.batch.message_count"))));
        Assert.Equal(aborted.Reason, spans[1].StatusDescription);
        Assert.Equal([(1L, "Committed"), (1L, "Aborted")], counted);
    }

    private static TransactionalMessage<string, string> Message(string value) => new("traced-events", new Message<string, string> { Key = "k", Value = value });
}
