using System.Data.Common;
using Confluent.Kafka;
using TaskApi.Data;
using TaskApi.Observability;
using TaskApi.Tasks;

namespace TaskApi.Notifications;

/// <summary>
/// "Sends" one notification per task: for each task.created event, a row in <c>notifications</c>, written in the
/// transaction in which <see cref="ReliableKafka.Consuming.IdempotentConsumer"/> records the event id, so a duplicate
/// delivery never sends twice. Other events (task.completed) are recorded as processed and need nothing more.
/// </summary>
public sealed partial class NotificationHandler(TimeProvider time, ILogger<NotificationHandler> logger)
{
    public async Task HandleAsync(ConsumeResult<string, string> record, string eventId, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // A tombstone (null value) or a value that is not a task event: retrying it would block the partition for ever;
        // it is logged and recorded as processed. Anything else that fails here goes to the consumer's poison-record
        // policy: retried, then dead-lettered to "<topic>.DLT".
        var taskEvent = record.Message.Value is { } value ? TaskEvents.Parse(value) : null;
        if (taskEvent?.TaskId is null)
        {
            LogNotATaskEvent(logger, eventId, record.Topic, record.Partition.Value, record.Offset.Value);
            return;
        }

        if (taskEvent.EventType != TaskEvents.Created)
        {
            return;
        }

        await using var insert = DbCommands.Create(transaction.Connection!, transaction, """
            INSERT INTO notifications (event_id, task_id, message, sent_at) VALUES (@event_id, @task_id, @message, @sent_at)
            """)
            .With("event_id", eventId)
            .With("task_id", taskEvent.TaskId)
            .With("message", $"New task: {taskEvent.Title}")
            .With("sent_at", time.GetUtcNow().ToUnixTimeMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken);
        TaskApiTelemetry.CountNotification();
        LogSent(logger, taskEvent.TaskId, eventId);
    }

    [LoggerMessage(401, LogLevel.Warning, "Event {EventId} at {Topic} [{Partition}] @ {Offset} is not a task event; skipped")]
    private static partial void LogNotATaskEvent(ILogger logger, string eventId, string topic, int partition, long offset);

    [LoggerMessage(402, LogLevel.Debug, "Notification sent for task {TaskId} (event {EventId})")]
    private static partial void LogSent(ILogger logger, string taskId, string eventId);
}
