using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReliableKafka.Outbox;

namespace TaskApi.Tasks;

/// <summary>
/// The events of <c>task-events</c> (see design.md): key = task id, JSON value with snake_case names, header
/// <c>event-id</c> (added by the relay from the outbox row).
/// </summary>
internal static class TaskEvents
{
    public const string Created = "task.created";
    public const string Completed = "task.completed";

    public static OutboxEvent CreatedEvent(string topic, TaskItem task)
    {
        var eventId = Guid.CreateVersion7().ToString();
        var value = JsonSerializer.Serialize(new TaskCreatedEvent(Created, eventId, task.Id, task.Title, Timestamp(task.CreatedAt)), TaskEventsJsonContext.Default.TaskCreatedEvent);
        return new OutboxEvent(topic, task.Id, value, eventId);
    }

    public static OutboxEvent CompletedEvent(string topic, TaskItem task)
    {
        var eventId = Guid.CreateVersion7().ToString();
        var value = JsonSerializer.Serialize(new TaskCompletedEvent(Completed, eventId, task.Id, task.Title, Timestamp(task.CompletedAt!.Value)), TaskEventsJsonContext.Default.TaskCompletedEvent);
        return new OutboxEvent(topic, task.Id, value, eventId);
    }

    /// <summary>Reads the fields a consumer needs; null when the value is not a task event.</summary>
    public static TaskEventEnvelope? Parse(string value)
    {
        try
        {
            return JsonSerializer.Deserialize(value, TaskEventsJsonContext.Default.TaskEventEnvelope);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

internal sealed record TaskCreatedEvent(string EventType, string EventId, string TaskId, string Title, string CreatedAt);

internal sealed record TaskCompletedEvent(string EventType, string EventId, string TaskId, string Title, string CompletedAt);

/// <summary>The fields every task event has.</summary>
internal sealed record TaskEventEnvelope(string? EventType, string? EventId, string? TaskId, string? Title);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TaskCreatedEvent))]
[JsonSerializable(typeof(TaskCompletedEvent))]
[JsonSerializable(typeof(TaskEventEnvelope))]
internal sealed partial class TaskEventsJsonContext : JsonSerializerContext;
