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
}
