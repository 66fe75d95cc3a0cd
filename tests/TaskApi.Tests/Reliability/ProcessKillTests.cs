using ReliableKafka.Testing;
using TaskApi.Tests.Infrastructure;

namespace TaskApi.Tests.Reliability;

/// <summary>(2) The API killed with SIGKILL while the relay publishes, then restarted on the same data.</summary>
public sealed class ProcessKillTests
{
    [Fact]
    [Trait("Requires", "PostgreSql")]
    public Task A_sigkill_while_the_relay_publishes_loses_no_event_and_duplicates_never_notify_twice_on_postgresql() => A_sigkill_while_the_relay_publishes_loses_no_event_and_duplicates_never_notify_twice("postgresql");

    [Theory]
    [InlineData("sqlite")]
    public async Task A_sigkill_while_the_relay_publishes_loses_no_event_and_duplicates_never_notify_twice(string kind)
    {
        await using var cluster = Topics.StartCluster();
        await using var store = await TestStore.CreateAsync(kind);
        var environment = store.Environment(cluster.BootstrapServers);

        // A stable instance id: on PostgreSQL the restarted instance takes back its own leases at once.
        environment["Outbox__InstanceId"] = "api-1";
        environment["Outbox__BatchSize"] = "20";

        // Slow acknowledgements keep batches in flight, so the kill lands between publishing and marking sent.
        var delays = cluster.BrokerIds.Select(b => cluster.FaultsOf(b).Delay(TimeSpan.FromMilliseconds(150), ReliableKafka.Simulator.Protocol.ApiKey.Produce)).ToList();
        var tasks = new List<string>();
        var first = await TaskApiProcess.StartAsync(store.Directory, environment);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async writer =>
            {
                for (var i = 0; i < 50; i++)
                {
                    var id = await first.CreateTaskAsync($"task {writer}-{i}");
                    lock (tasks)
                    {
                        tasks.Add(id);
                    }
                }
            }));

            await Eventually.WaitUntilAsync(async () => (await first.OutboxAsync()).Pending < tasks.Count, TimeSpan.FromSeconds(30), "the relay publishing", () => first.Output);
            var beforeKill = await first.OutboxAsync();
            Assert.True(beforeKill.Pending > 0, "the relay finished before the kill; nothing would be tested");
            await first.KillAsync();
        }
        finally
        {
            await first.DisposeAsync();
        }

        foreach (var delay in delays)
        {
            delay.Remove();
        }

        await using var restarted = await TaskApiProcess.StartAsync(store.Directory, environment);
        await Eventually.WaitUntilAsync(async () => (await restarted.OutboxAsync()).Pending == 0, TimeSpan.FromSeconds(60), "publishing after the restart", () => restarted.Output);

        var created = Topics.ReadTaskEvents(cluster.BootstrapServers, tasks.Count).Where(static e => e.EventType == "task.created").ToList();
        Assert.Equal(tasks.Order(), created.Select(static e => e.TaskId).Distinct().Order());
        Assert.All(created.GroupBy(static e => e.TaskId), static g => Assert.Single(g.Select(static e => e.EventId).Distinct()));

        await Eventually.WaitUntilAsync(async () => (await restarted.NotificationTaskIdsAsync()).Count >= tasks.Count, TimeSpan.FromSeconds(60), "the notifications", () => restarted.Output);
        await Eventually.WaitUntilAsync(() => ConsumerGroups.HasCommittedToEnd(cluster.BootstrapServers, ConsumerGroups.Notifications), TimeSpan.FromSeconds(30), "the notification consumer committing every task event", () => restarted.Output);
        Assert.Equal(tasks.Order(), (await restarted.NotificationTaskIdsAsync()).Order());
    }
}
