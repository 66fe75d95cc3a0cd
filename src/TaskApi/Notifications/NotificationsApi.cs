using Microsoft.AspNetCore.Http.HttpResults;
using TaskApi.Data;

namespace TaskApi.Notifications;

/// <summary><c>GET /notifications</c>: what the notification consumer sent, newest first.</summary>
public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/notifications", ListAsync).WithTags("Notifications").WithName("ListNotifications")
            .WithSummary("The notifications the consumer sent (one per task), newest first; at most limit (1-1000, default 100).");
        return app;
    }

    public static async Task<Results<Ok<NotificationList>, ValidationProblem>> ListAsync(NotificationDatabase database, CancellationToken cancellationToken, int limit = 100)
    {
        if (limit is < 1 or > 1000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and 1000, not {limit}."] });
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        long total;
        await using (var count = DbCommands.Create(connection, null, "SELECT COUNT(*) FROM notifications"))
        {
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        var items = new List<Notification>();
        await using var command = DbCommands.Create(connection, null, "SELECT event_id, task_id, message, sent_at FROM notifications ORDER BY sent_at DESC, event_id LIMIT @limit").With("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new Notification(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        }

        return TypedResults.Ok(new NotificationList(total, items));
    }
}

/// <summary>One notification.</summary>
public sealed record Notification(string EventId, string TaskId, string Message, DateTimeOffset SentAt);

/// <summary>How many notifications were sent, and the newest.</summary>
public sealed record NotificationList(long Total, IReadOnlyList<Notification> Items);
