namespace TaskApi.Tasks;

/// <summary>A task as the API returns it.</summary>
/// <param name="Id">The id (a UUIDv7: ordered by creation).</param>
/// <param name="Title">1 to 200 characters.</param>
/// <param name="Description">Up to 4,000 characters, or null.</param>
/// <param name="DueDate">When it is due, or null.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CompletedAt">When it was completed, or null while open.</param>
public sealed record TaskItem(string Id, string Title, string? Description, DateTimeOffset? DueDate, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    /// <summary>"open" or "completed".</summary>
    public string Status => CompletedAt is null ? "open" : "completed";
}

/// <summary>The body of <c>POST /tasks</c>.</summary>
/// <param name="Title">Required, 1 to 200 characters, not only white space.</param>
/// <param name="Description">Optional, up to 4,000 characters.</param>
/// <param name="DueDate">Optional, an ISO 8601 date and time.</param>
public sealed record CreateTaskRequest(string? Title, string? Description, DateTimeOffset? DueDate);

/// <summary>One page of <c>GET /tasks</c>, oldest first.</summary>
/// <param name="Items">The tasks.</param>
/// <param name="Next">The <c>after</c> value of the next page, or null on the last page.</param>
public sealed record TaskPage(IReadOnlyList<TaskItem> Items, string? Next);
