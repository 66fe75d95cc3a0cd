using System.Collections.Concurrent;
using System.Diagnostics;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Telemetry;

namespace ReliableKafka.Cli.Tests.Interop;

/// <summary>Another Kafka client reads the W3C trace context a traced ReliableProducer message carries.</summary>
public sealed class TraceContextInteropTests
{
    [Fact]
    [Trait("Requires", "Python")]
    public async Task Python_confluent_kafka_reads_a_valid_traceparent_naming_the_producer_span()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3 });
        cluster.CreateTopic("traced", new TopicSettings(1, 3, 2));
        using var root = new Activity("POST /tasks").SetIdFormat(ActivityIdFormat.W3C).Start();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == ReliableKafkaTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => options.Parent.TraceId == root.TraceId ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using (var producer = new ReliableProducer<string, string>(new ReliableProducerOptions { BootstrapServers = cluster.BootstrapServers }))
        {
            Assert.True((await producer.PublishAsync("traced", "task-1", "{}")).IsDelivered);
        }

        var script = Path.Combine(Path.GetTempPath(), $"rk-trace-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, PythonScript);
        try
        {
            var run = await ExternalTool.RunAsync("/usr/bin/python3", [script, cluster.BootstrapServers], timeout: TimeSpan.FromSeconds(60));

            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            var span = Assert.Single(stopped);
            Assert.Contains($"traceparent={span.Id} valid", run.Stdout, StringComparison.Ordinal);
            Assert.StartsWith($"00-{root.TraceId}-", span.Id, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private const string PythonScript = """
        import re, sys
        from confluent_kafka import Consumer

        consumer = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "trace-reader", "auto.offset.reset": "earliest"})
        consumer.subscribe(["traced"])
        for _ in range(600):
            message = consumer.poll(0.1)
            if message is None or message.error():
                continue
            headers = dict(message.headers() or [])
            value = headers["traceparent"].decode("ascii")
            valid = re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]", value) is not None
            print("traceparent=%s %s" % (value, "valid" if valid else "INVALID"))
            break
        consumer.close()
        """;
}
