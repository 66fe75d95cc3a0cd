using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ReliableKafka.Testing;
using TaskApi.Tests.Infrastructure;

namespace TaskApi.Tests;

/// <summary>With an OTLP endpoint configured, a request's trace runs through the outbox and the relay onto the event.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_task_created_event_carries_the_trace_of_the_request_that_created_the_task()
    {
        await using var cluster = Topics.StartCluster();
        await using var store = await TestStore.CreateAsync("sqlite");
        var environment = store.Environment(cluster.BootstrapServers);

        // Nothing listens there: export fails quietly, and tracing is on.
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9";
        await using var api = await TaskApiProcess.StartAsync(store.Directory, environment);
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/tasks") { Content = JsonContent.Create(new { title = "traced" }) };
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await api.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await Eventually.WaitUntilAsync(async () => (await api.OutboxAsync()).Pending == 0, TimeSpan.FromSeconds(30), "publishing the event", () => api.Output);

        var record = Assert.Single(Topics.ReadAll(cluster.BootstrapServers, "task-events", 1), r => r.Key == id);
        var traceparent = Encoding.ASCII.GetString(record.Headers.GetLastBytes("traceparent"));
        Assert.Matches($"^00-{traceId}-[0-9a-f]{{16}}-01$", traceparent);
        Assert.DoesNotContain("00f067aa0ba902b7", traceparent, StringComparison.Ordinal);
    }

    /// <summary>One POST /tasks is one trace: the request, the outbox write, the relay's publish and the notification consumer's processing.</summary>
    [Fact]
    public async Task One_post_is_one_trace_from_the_request_through_the_outbox_and_kafka_to_the_notification()
    {
        await using var cluster = Topics.StartCluster();
        await using var store = await TestStore.CreateAsync("sqlite");
        using var receiver = new OtlpReceiver();
        var environment = store.Environment(cluster.BootstrapServers);
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint;
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        await using var api = await TaskApiProcess.StartAsync(store.Directory, environment);
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/tasks") { Content = JsonContent.Create(new { title = "one trace" }) };
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
        using var response = await api.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        // Spans are exported in batches as they end, and the request's span can end after the consumer's: wait for all four.
        string[] names = ["outbox write task-events", "publish task-events", "process task-events"];
        await Eventually.WaitUntilAsync(
            () => Task.FromResult(receiver.Spans.Where(static s => s.TraceId == traceId).ToList() is var received
                && received.Any(static s => s.Name.StartsWith("POST", StringComparison.Ordinal)) && names.All(n => received.Any(s => s.Name == n))),
            TimeSpan.FromSeconds(60),
            "the request's, outbox write's, publish's and notification consumer's spans reaching the OTLP receiver",
            () => api.Output);

        var spans = receiver.Spans.Where(static s => s.TraceId == traceId).ToList();
        var server = Assert.Single(spans, static s => s.Name.StartsWith("POST", StringComparison.Ordinal));
        var write = Assert.Single(spans, static s => s.Name == "outbox write task-events");
        var publish = Assert.Single(spans, static s => s.Name == "publish task-events");
        var process = Assert.Single(spans, static s => s.Name == "process task-events");
        Assert.Equal("b7ad6b7169203331", server.ParentSpanId);
        Assert.Equal(server.SpanId, write.ParentSpanId);
        Assert.Equal(write.SpanId, publish.ParentSpanId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
    }
}
