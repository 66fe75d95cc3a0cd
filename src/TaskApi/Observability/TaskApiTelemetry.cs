using System.Diagnostics.Metrics;
using ReliableKafka.Outbox;

namespace TaskApi.Observability;

/// <summary>The service's own meter, "TaskApi", beside the library's "ReliableKafka" and ASP.NET Core's.</summary>
public static class TaskApiTelemetry
{
    public const string MeterName = "TaskApi";

    public const string TasksCreated = "taskapi.tasks.created";
    public const string TasksCompleted = "taskapi.tasks.completed";
    public const string WriteBatchSize = "taskapi.write.batch.size";
    public const string NotificationsSent = "taskapi.notifications.sent";
    public const string OutboxPending = "taskapi.outbox.pending";
    public const string OutboxOldestAge = "taskapi.outbox.oldest_age";
    public const string OutboxDead = "taskapi.outbox.dead";
    public const string OutboxWaiting = "taskapi.outbox.waiting";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Created = Meter.CreateCounter<long>(TasksCreated, "{task}", "Tasks created (with their task.created event in the outbox).");
    private static readonly Counter<long> Completed = Meter.CreateCounter<long>(TasksCompleted, "{task}", "Tasks completed (with their task.completed event in the outbox).");
    private static readonly Histogram<int> Batch = Meter.CreateHistogram<int>(WriteBatchSize, "{write}", "Writes committed per database transaction.");
    private static readonly Counter<long> Notifications = Meter.CreateCounter<long>(NotificationsSent, "{notification}", "Notifications sent by the consumer.");
    private static OutboxBacklog? _backlog;
    private static DateTimeOffset _backlogAt;

    static TaskApiTelemetry()
    {
        Meter.CreateObservableGauge(OutboxPending, static () => Volatile.Read(ref _backlog)?.Pending ?? 0, "{event}", "Outbox events not yet published.");
        Meter.CreateObservableGauge(OutboxOldestAge, static () => Volatile.Read(ref _backlog)?.OldestAge(_backlogAt).TotalSeconds ?? 0, "s", "Age of the oldest unpublished outbox event.");
        Meter.CreateObservableGauge(OutboxDead, static () => Volatile.Read(ref _backlog)?.Dead ?? 0, "{event}", "Outbox events that failed for good (dead-lettered); each holds back its key until retried or skipped.");
        Meter.CreateObservableGauge(OutboxWaiting, static () => Volatile.Read(ref _backlog)?.Waiting ?? 0, "{event}", "Outbox events held back behind a dead event of their key.");
    }

    internal static void CountWrites(int created, int completed, int batch)
    {
        if (created > 0 && Created.Enabled)
        {
            Created.Add(created);
        }

        if (completed > 0 && Completed.Enabled)
        {
            Completed.Add(completed);
        }

        if (Batch.Enabled)
        {
            Batch.Record(batch);
        }
    }

    internal static void CountNotification()
    {
        if (Notifications.Enabled)
        {
            Notifications.Add(1);
        }
    }

    internal static void Observe(OutboxBacklog backlog, DateTimeOffset at)
    {
        _backlogAt = at;
        Volatile.Write(ref _backlog, backlog);
    }
}
