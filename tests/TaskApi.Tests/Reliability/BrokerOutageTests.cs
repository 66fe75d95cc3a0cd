using System.Net;
using System.Text.RegularExpressions;
using ReliableKafka.Testing;
using TaskApi.Tests.Infrastructure;

namespace TaskApi.Tests.Reliability;

/// <summary>(1) Every broker down for longer than the delivery timeout (4 s here): the API keeps accepting tasks.</summary>
public sealed class BrokerOutageTests
{
    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task With_every_broker_down_tasks_are_accepted_and_every_event_arrives_and_notifies_once_when_they_return_on_postgresql() => With_every_broker_down_tasks_are_accepted_and_every_event_arrives_and_notifies_once_when_they_return("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task With_every_broker_down_tasks_are_accepted_and_every_event_arrives_and_notifies_once_when_they_return(string kind)
    {
        await using var cluster = Topics.StartCluster();
        await using var store = await TestStore.CreateAsync(kind);
        await using var api = await TaskApiProcess.StartAsync(store.Directory, store.Environment(cluster.BootstrapServers));
        var tasks = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            tasks.Add(await api.CreateTaskAsync($"before the outage {i}"));
        }

        await Eventually.WaitUntilAsync(async () => (await api.OutboxAsync()).Pending == 0, TimeSpan.FromSeconds(30), "publishing before the outage", () => api.Output);

        foreach (var broker in cluster.BrokerIds)
        {
            cluster.CrashBroker(broker);
        }

        var backlog = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            var (status, body) = await api.CreateAsync(new { title = $"during the outage {i}" });
            Assert.True(status == HttpStatusCode.Created, $"POST /tasks during the outage answered {(int)status}: {body}");
            tasks.Add(body.GetProperty("id").GetString()!);
            if (i % 10 == 9)
            {
                backlog.Add((await api.OutboxAsync()).Pending);
            }
        }

        // Past the delivery timeout (4 s): the relay's attempt at every event failed (retriable) and was rescheduled, nothing was dropped.
        await Eventually.WaitUntilAsync(() => RetriedEvents(api.Output) >= 30, TimeSpan.FromSeconds(60), "a failed, rescheduled attempt at each of the 30 events", () => api.Output);
        var during = await api.OutboxAsync();
        Assert.Equal([10, 20, 30], backlog);
        Assert.Equal(30, during.Pending);
        Assert.Equal(0, during.Dead);
        Assert.True(during.OldestAgeSeconds >= 4, $"oldest pending event is {during.OldestAgeSeconds} s old");
        Assert.Equal("Degraded", during.KafkaStatus);

        foreach (var broker in cluster.BrokerIds)
        {
            cluster.RestartBroker(broker);
        }

        await Eventually.WaitUntilAsync(async () => (await api.OutboxAsync()).Pending == 0, TimeSpan.FromSeconds(60), "publishing the backlog after the outage", () => api.Output);
        var created = Topics.ReadTaskEvents(cluster.BootstrapServers, tasks.Count).Where(static e => e.EventType == "task.created").ToList();
        Assert.Equal(tasks.Order(), created.Select(static e => e.TaskId).Distinct().Order());

        await Eventually.WaitUntilAsync(async () => (await api.NotificationTaskIdsAsync()).Count >= tasks.Count, TimeSpan.FromSeconds(60), "the notifications", () => api.Output);
        await Eventually.WaitUntilAsync(() => ConsumerGroups.HasCommittedToEnd(cluster.BootstrapServers, ConsumerGroups.Notifications), TimeSpan.FromSeconds(30), "the notification consumer committing every task event", () => api.Output);
        var notified = await api.NotificationTaskIdsAsync();
        Assert.Equal(tasks.Order(), notified.Order());
    }

    /// <summary>How many distinct task events the outbox relay has logged a failed, rescheduled attempt at.</summary>
    private static int RetriedEvents(string output) =>
        Regex.Matches(output, @"Outbox event (\S+) for task-events failed \(attempt \d+\)").Select(static m => m.Groups[1].Value).Distinct().Count();
}
