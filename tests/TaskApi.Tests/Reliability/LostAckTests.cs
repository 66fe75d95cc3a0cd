using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;
using TaskApi.Tests.Infrastructure;

namespace TaskApi.Tests.Reliability;

/// <summary>(3) Produce acknowledgements lost on the way back: the idempotent producer's retries are deduplicated.</summary>
public sealed class LostAckTests
{
    [Fact]
    public async Task Lost_acknowledgements_leave_no_duplicate_on_the_topic()
    {
        await using var cluster = Topics.StartCluster();
        await using var store = await TestStore.CreateAsync("sqlite");
        var environment = store.Environment(cluster.BootstrapServers);
        environment["TaskApi__Notifications__Enabled"] = "false";

        // librdkafka retries a request whose answer was lost after socket.timeout.ms, within the delivery timeout;
        // the broker recognises the retry by producer id and sequence. (Past the delivery timeout the relay would
        // publish the event again as a new message: a possible duplicate that only the consumer can absorb.)
        environment["Kafka__Profiles__Critical__delivery.timeout.ms"] = "30000";
        environment["Kafka__Profiles__Critical__request.timeout.ms"] = "1500";
        environment["Kafka__Profiles__Critical__socket.timeout.ms"] = "1500";
        await using var api = await TaskApiProcess.StartAsync(store.Directory, environment);
        await api.CreateTaskAsync("warm-up");
        await Eventually.WaitUntilAsync(async () => (await api.OutboxAsync()).Pending == 0, TimeSpan.FromSeconds(30), "the warm-up event");

        // The next Produce answers of every broker are lost after the append, whichever producer sent them: the
        // analytics producer (acks=1, no idempotence) takes some, the relay's Critical producer the rest.
        foreach (var broker in cluster.BrokerIds)
        {
            cluster.FaultsOf(broker).DropProduceResponses(6);
        }

        var tasks = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            tasks.Add(await api.CreateTaskAsync($"task {i}"));
        }

        await Eventually.WaitUntilAsync(async () => (await api.OutboxAsync()).Pending == 0, TimeSpan.FromSeconds(60), "publishing through lost acknowledgements", () => api.Output);

        var dropped = cluster.Truth.Events.Count(static e => e.Kind == TruthEventKind.ResponseDropped);
        var deduplicated = cluster.Truth.Events.Count(static e => e.Kind == TruthEventKind.Deduplicated && e.Topic == "task-events");
        Assert.True(dropped > 0, "no acknowledgement was dropped");
        Assert.True(deduplicated > 0, "no retried task-events batch was deduplicated: the fault did not hit the relay's producer");

        var events = Topics.ReadTaskEvents(cluster.BootstrapServers, tasks.Count + 1);
        Assert.Equal(tasks.Count + 1, events.Count);
        Assert.Equal(events.Count, events.Select(static e => e.EventId).Distinct().Count());
        Assert.Superset(tasks.ToHashSet(), events.Select(static e => e.TaskId).ToHashSet());
    }
}
