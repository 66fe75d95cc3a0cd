using System.Text;
using Confluent.Kafka;
using ReliableKafka.Testing;
using TaskApi.Tests.Infrastructure;

namespace TaskApi.Tests.Reliability;

/// <summary>Records the notification consumer cannot use never stop it.</summary>
public sealed class PoisonRecordTests
{
    /// <summary>
    /// A tombstone (null value) on task-events used to throw in the handler and be retried every second for ever,
    /// holding back every later event of its partition. Now it is logged and passed over, and later tasks are notified.
    /// </summary>
    [Fact]
    public async Task A_tombstone_on_task_events_does_not_stop_notifications_for_later_tasks()
    {
        await using var cluster = Topics.StartCluster();
        await using var store = await TestStore.CreateAsync("sqlite");
        using (var producer = new ProducerBuilder<string, string?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All }).SetLogHandler(static (_, _) => { }).Build())
        {
            for (var partition = 0; partition < 3; partition++)
            {
                await producer.ProduceAsync(new TopicPartition("task-events", partition), new Message<string, string?> { Key = $"gone-{partition}", Value = null, Headers = [new Header("event-id", Encoding.UTF8.GetBytes($"tombstone-{partition}"))] });
            }
        }

        await using var api = await TaskApiProcess.StartAsync(store.Directory, store.Environment(cluster.BootstrapServers));
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await api.CreateTaskAsync($"after the tombstones {i}"));
        }

        await Eventually.WaitUntilAsync(async () => (await api.NotificationTaskIdsAsync()).Count >= ids.Count, TimeSpan.FromSeconds(60), "notifications for the tasks after the tombstones", () => api.Output);
        await Eventually.WaitUntilAsync(() => ConsumerGroups.HasCommittedToEnd(cluster.BootstrapServers, ConsumerGroups.Notifications), TimeSpan.FromSeconds(30), "the notification consumer committing past the tombstones", () => api.Output);
        Assert.Equal(ids.Order(), (await api.NotificationTaskIdsAsync()).Order());
    }
}
