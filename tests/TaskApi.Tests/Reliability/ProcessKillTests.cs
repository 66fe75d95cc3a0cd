using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Testing;
using TaskApi.Tests.Infrastructure;

namespace TaskApi.Tests.Reliability;

/// <summary>(2) The API killed with SIGKILL while the relay publishes, then restarted on the same data.</summary>
public sealed class ProcessKillTests
{
    /// <summary>
    /// Longer than any test: every Produce response waits this long after its append, so no acknowledgement reaches the
    /// first instance. The delay is removed before the restart (the held responses die with the killed instance's connections).
    /// </summary>
    private static readonly TimeSpan HeldAcknowledgements = TimeSpan.FromHours(1);

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

        // Brokers append what the relay publishes but hold every Produce response, so the first instance never learns
        // that an event was delivered: whenever it is killed, its events are in the log and still pending in the outbox.
        var holds = cluster.BrokerIds.Select(b => cluster.FaultsOf(b).Delay(HeldAcknowledgements, ApiKey.Produce)).ToList();
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

            // In flight: the cluster appended task events, and the outbox still has every event pending.
            await Eventually.WaitUntilAsync(
                async () => AppendedTaskEvents(cluster) > 0 && (await first.OutboxAsync()).Pending == tasks.Count,
                TimeSpan.FromSeconds(30),
                "task events appended by the cluster while every outbox event is still pending",
                () => $"appended {AppendedTaskEvents(cluster)} task event(s); {first.Output}");
            await first.KillAsync();
        }
        finally
        {
            await first.DisposeAsync();
        }

        var appendedBeforeTheKill = AppendedTaskEvents(cluster);
        foreach (var hold in holds)
        {
            hold.Remove();
        }

        await using var restarted = await TaskApiProcess.StartAsync(store.Directory, environment);
        await Eventually.WaitUntilAsync(async () => (await restarted.OutboxAsync()).Pending == 0, TimeSpan.FromSeconds(60), "publishing after the restart", () => restarted.Output);

        // Events appended before the kill were never marked sent, so the restarted relay published them again: the log
        // holds duplicates, and each task's copies carry one event id.
        var created = Topics.ReadTaskEvents(cluster.BootstrapServers, tasks.Count + appendedBeforeTheKill).Where(static e => e.EventType == "task.created").ToList();
        Assert.Equal(tasks.Order(), created.Select(static e => e.TaskId).Distinct().Order());
        Assert.True(created.Count > tasks.Count, $"{appendedBeforeTheKill} task event(s) were appended before the kill, yet the log holds no duplicate");
        Assert.All(created.GroupBy(static e => e.TaskId), static g => Assert.Single(g.Select(static e => e.EventId).Distinct()));

        await Eventually.WaitUntilAsync(async () => (await restarted.NotificationTaskIdsAsync()).Count >= tasks.Count, TimeSpan.FromSeconds(60), "the notifications", () => restarted.Output);
        await Eventually.WaitUntilAsync(() => ConsumerGroups.HasCommittedToEnd(cluster.BootstrapServers, ConsumerGroups.Notifications), TimeSpan.FromSeconds(30), "the notification consumer committing every task event", () => restarted.Output);
        Assert.Equal(tasks.Order(), (await restarted.NotificationTaskIdsAsync()).Order());
    }

    /// <summary>How many task-events records the partition leaders appended, as the cluster's ground truth records it.</summary>
    private static int AppendedTaskEvents(SimulatedCluster cluster) =>
        (int)cluster.Truth.Events.Where(static e => e.Kind == TruthEventKind.Appended && e.Topic == "task-events").Sum(static e => e.LastOffset - e.FirstOffset + 1);
}
