using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Telemetry;
using ReliableKafka.Testing;
using ReliableKafka.Tests.Infrastructure;

namespace ReliableKafka.Tests.Telemetry;

public sealed class TelemetryTests : IDisposable
{
    private readonly MockKafkaCluster _cluster = MockKafkaCluster.Start(3);
    private readonly string _spill = TestProducers.TempSpillPath();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public TelemetryTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ReliableKafkaTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _cluster.Dispose();
        File.Delete(_spill);
    }

    [Fact]
    public async Task Delivered_failed_and_dead_lettered_messages_are_counted_with_topic_and_profile()
    {
        var topic = "metered-" + Guid.NewGuid().ToString("N");
        var options = TestProducers.Options(_cluster, _spill);
        options.Name = "metered";
        await using var producer = new ReliableProducer<string, string>(options);

        Assert.True((await producer.PublishAsync(topic, "k1", "v")).IsDelivered);
        Assert.True((await producer.PublishAsync(topic, "k2", "v")).IsDelivered);
        _cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.InvalidRecord);
        Assert.Equal(FailureDisposition.DeadLettered, (await producer.PublishAsync(topic, "k3", "v")).Disposition);

        var mine = _measurements.Where(m => Equals(m.Tags.GetValueOrDefault(ReliableKafkaTelemetry.TagTopic), topic)).ToList();
        Assert.Equal(3, mine.Where(static m => m.Instrument == ReliableKafkaTelemetry.Published).Sum(static m => m.Value));
        Assert.Equal(2, mine.Where(static m => m.Instrument == ReliableKafkaTelemetry.Delivered).Sum(static m => m.Value));
        var failed = Assert.Single(mine, static m => m.Instrument == ReliableKafkaTelemetry.Failed);
        Assert.Equal("fatal", failed.Tags[ReliableKafkaTelemetry.TagErrorKind]);
        Assert.Equal("InvalidRecord", failed.Tags[ReliableKafkaTelemetry.TagErrorCode]);
        Assert.Single(mine, static m => m.Instrument == ReliableKafkaTelemetry.DeadLettered);
        var durations = mine.Where(static m => m.Instrument == ReliableKafkaTelemetry.DeliveryDuration).ToList();
        Assert.Equal(2, durations.Count);
        Assert.All(durations, static d =>
        {
            Assert.True(d.Value > 0);
            Assert.Equal("Critical", d.Tags[ReliableKafkaTelemetry.TagProfile]);
            Assert.Equal("metered", d.Tags[ReliableKafkaTelemetry.TagProducer]);
        });
    }

    [Fact]
    public async Task Librdkafka_statistics_become_queue_retry_and_rtt_gauges()
    {
        var options = TestProducers.Options(_cluster, _spill, ("statistics.interval.ms", "100"));
        options.Name = "stats-" + Guid.NewGuid().ToString("N");
        await using var producer = new ReliableProducer<string, string>(options);
        Assert.True((await producer.PublishAsync("stats-topic", "k", "v")).IsDelivered);

        List<(string Instrument, double Value, Dictionary<string, object?> Tags)> mine = [];
        await Eventually.WaitUntilAsync(
            () =>
            {
                _listener.RecordObservableInstruments();
                mine = [.. _measurements.Where(m => Equals(m.Tags.GetValueOrDefault(ReliableKafkaTelemetry.TagProducer), options.Name))];
                return mine.Any(static m => m.Instrument == ReliableKafkaTelemetry.BrokerRtt);
            },
            TimeSpan.FromSeconds(10),
            "a broker round-trip-time measurement");

        Assert.Contains(mine, static m => m.Instrument == ReliableKafkaTelemetry.ClientQueueMessages && m.Value >= 0);
        Assert.Contains(mine, static m => m.Instrument == ReliableKafkaTelemetry.ClientRetries && m.Value >= 0);
        Assert.Contains(mine, static m => m.Instrument == ReliableKafkaTelemetry.InFlight && m.Value == 0);
        var rtt = Assert.Single(mine.Where(static m => m.Instrument == ReliableKafkaTelemetry.BrokerRtt)
            .GroupBy(static m => m.Tags[ReliableKafkaTelemetry.TagBroker]).Take(1));
        Assert.All(rtt, static m => Assert.True(m.Value >= 0));
    }

    [Fact]
    public void Statistics_parser_reads_queue_retries_and_rtt_of_real_brokers_only()
    {
        const string Json = """
            {"name":"p#producer-1","msg_cnt":17,"brokers":{
              "127.0.0.1:9092/1":{"nodeid":1,"txretries":3,"rtt":{"avg":2500}},
              "127.0.0.1:9093/2":{"nodeid":2,"txretries":4,"rtt":{"avg":1000}},
              "GroupCoordinator":{"nodeid":-1,"txretries":0,"rtt":{"avg":0}}}}
            """;

        var stats = ClientStatistics.Parse(Json)!;

        Assert.Equal(17, stats.QueueMessages);
        Assert.Equal(7, stats.Retries);
        Assert.Equal(new Dictionary<string, double> { ["127.0.0.1:9092/1"] = 2.5, ["127.0.0.1:9093/2"] = 1.0 }, stats.BrokerRttMs);
        Assert.Null(ClientStatistics.Parse("{not json"));
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dictionary = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            dictionary[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, dictionary));
    }
}
