using System.Net;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;
using TaskApi.Tests.Infrastructure;

namespace TaskApi.Tests.Reliability;

/// <summary>A task event the broker refuses for good: it holds back its task's later events, and /health says which and what to do.</summary>
public sealed partial class DeadEventTests
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^taskapi_outbox_waiting(\{[^}]*\})? 1( |$)", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex WaitingGauge();

    [Fact]
    public async Task A_dead_task_event_holds_back_its_task_and_health_names_it_with_the_command_that_resolves_it()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = true });
        cluster.CreateTopic("task-events", new TopicSettings(Partitions: 3, ReplicationFactor: 3, MinInSyncReplicas: 2, MaxMessageBytes: 500));
        cluster.CreateTopic("dead-letter-queue", new TopicSettings(Partitions: 1, ReplicationFactor: 3, MinInSyncReplicas: 2));
        await using var store = await TestStore.CreateAsync("sqlite");
        await using var api = await TaskApiProcess.StartAsync(store.Directory, store.Environment(cluster.BootstrapServers));

        // A title of 200 random CJK characters: its event is larger than the topic takes, even compressed.
        var random = new Random(5);
        var id = await api.CreateTaskAsync(new string([.. Enumerable.Range(0, 200).Select(_ => (char)random.Next(0x4E00, 0x9FFF))]));
        Assert.Equal(HttpStatusCode.OK, (await api.Http.PostAsync($"/tasks/{id}/complete", null)).StatusCode);

        await Eventually.WaitUntilAsync(async () => (await api.OutboxAsync()).Dead == 1, TimeSpan.FromSeconds(30), "the task.created event dying", () => api.Output);
        var outbox = (await api.GetJsonAsync("/health")).GetProperty("checks").GetProperty("outbox");
        Assert.Equal("Degraded", outbox.GetProperty("status").GetString());
        var description = outbox.GetProperty("description").GetString()!;
        Assert.Contains($"key {id} of task-events is held by dead event", description, StringComparison.Ordinal);
        var data = outbox.GetProperty("data");
        Assert.Equal(1, data.GetProperty("waiting").GetInt64());
        var dead = Assert.Single(data.GetProperty("deadEvents").EnumerateArray());
        Assert.Equal((id, 1L), (dead.GetProperty("key").GetString(), dead.GetProperty("waiting").GetInt64()));
        Assert.StartsWith("MsgSizeTooLarge", dead.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var (outboxId, eventId) = (dead.GetProperty("outboxId").GetInt64(), dead.GetProperty("eventId").GetString()!);
        Assert.Contains($"is held by dead event {eventId} (outbox id {outboxId}: MsgSizeTooLarge", description, StringComparison.Ordinal);
        Assert.Contains($"rk outbox list shows every dead event; fix the cause, then rk outbox retry {outboxId}, or give the event up with rk outbox skip {outboxId}", description, StringComparison.Ordinal);

        // The gauge beside pending and dead: one event held back.
        await Eventually.WaitUntilAsync(
            async () => WaitingGauge().IsMatch(await api.Http.GetStringAsync("/metrics")), TimeSpan.FromSeconds(20), "taskapi_outbox_waiting showing the held-back event");

        // The task's completion stays in the outbox: neither of its events is on the topic.
        Assert.DoesNotContain(cluster.Truth.Events, e => e.Kind == TruthEventKind.Appended && e.Topic == "task-events");
    }
}
