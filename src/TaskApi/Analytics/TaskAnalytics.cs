using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using ReliableKafka;
using TaskApi.Hosting;
using TaskApi.Tasks;

namespace TaskApi.Analytics;

/// <summary>
/// Activity events on <c>task-analytics</c> with the Analytics profile (acks=1, no idempotence): published directly,
/// not through the outbox, because losing one in a leader failover is acceptable. Failures are logged and counted by
/// the producer.
/// </summary>
public sealed class TaskAnalytics(
    [FromKeyedServices(ReliabilityProfile.Analytics)] ReliableProducer<string, string> producer,
    IOptions<TaskApiOptions> options,
    TimeProvider time)
{
    private readonly string _topic = options.Value.Topics.Analytics;

    public void TaskCreated(TaskItem task) => Publish(task.Id, new AnalyticsEvent("task.created", task.Id, Now(), task.Title.Length, task.Description?.Length ?? 0, task.DueDate is not null, null));

    public void TaskViewed(TaskItem task) => Publish(task.Id, new AnalyticsEvent("task.viewed", task.Id, Now(), null, null, null, null));

    public void TaskCompleted(TaskItem task) => Publish(
        task.Id,
        new AnalyticsEvent("task.completed", task.Id, Now(), null, null, null, (long)(task.CompletedAt!.Value - task.CreatedAt).TotalMilliseconds));

    private string Now() => time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private void Publish(string key, AnalyticsEvent analyticsEvent) =>
        producer.Publish(_topic, key, JsonSerializer.Serialize(analyticsEvent, AnalyticsJsonContext.Default.AnalyticsEvent));
}

internal sealed record AnalyticsEvent(string EventType, string TaskId, string At, int? TitleLength, int? DescriptionLength, bool? HasDueDate, long? OpenMs);

internal sealed record RequestSample(string Method, string Route, int Status, double DurationMs, string At);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AnalyticsEvent))]
[JsonSerializable(typeof(RequestSample))]
internal sealed partial class AnalyticsJsonContext : JsonSerializerContext;
