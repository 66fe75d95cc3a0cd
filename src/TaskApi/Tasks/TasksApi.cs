using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TaskApi.Analytics;

namespace TaskApi.Tasks;

/// <summary>The endpoints under <c>/tasks</c>.</summary>
public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapPost("/", CreateAsync)
            .WithName("CreateTask")
            .WithSummary("Creates a task; its task.created event is published through the outbox.")
            .WithDescription("With an Idempotency-Key header, a repeat of the same request returns the first result (with Idempotent-Replayed: true) instead of creating a second task.");
        tasks.MapGet("/{id}", GetAsync).WithName("GetTask").WithSummary("Returns one task.");
        tasks.MapGet("/", ListAsync).WithName("ListTasks").WithSummary("Lists tasks oldest first; pass the page's next value as after= to read on.");
        tasks.MapPost("/{id}/complete", CompleteAsync)
            .WithName("CompleteTask")
            .WithSummary("Completes a task; its task.completed event is published through the outbox. Completing it again returns it unchanged.");
        return app;
    }

    public static async Task<Results<Created<TaskItem>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateTaskRequest? request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        HttpContext context,
        TaskWriter writer,
        TaskAnalytics analytics,
        CancellationToken cancellationToken)
    {
        if (TaskValidation.Validate(request, idempotencyKey) is { } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The task is not valid.");
        }

        var result = await writer.CreateAsync(request!, idempotencyKey, cancellationToken);
        if (result.KeyConflict)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Idempotency-Key reused for a different request.",
                detail: $"The key '{idempotencyKey}' was first used with another title, description or due date. Use a new key for a new task.");
        }

        var task = result.Task!;
        if (result.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }
        else
        {
            analytics.TaskCreated(task);
        }

        return TypedResults.Created($"/tasks/{task.Id}", task);
    }

    public static async Task<Results<Ok<TaskItem>, ProblemHttpResult>> GetAsync(string id, TaskReader reader, TaskAnalytics analytics, CancellationToken cancellationToken)
    {
        var task = await reader.GetAsync(id, cancellationToken);
        if (task is null)
        {
            return NotFound(id);
        }

        analytics.TaskViewed(task);
        return TypedResults.Ok(task);
    }

    public static async Task<Results<Ok<TaskPage>, ValidationProblem>> ListAsync(TaskReader reader, CancellationToken cancellationToken, int? limit = null, string? after = null)
    {
        var size = limit ?? TaskValidation.DefaultPageSize;
        if (size is < 1 or > TaskValidation.MaxPageSize)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {TaskValidation.MaxPageSize}, not {size}."] },
                title: "The paging parameters are not valid.");
        }

        return TypedResults.Ok(await reader.ListAsync(string.IsNullOrEmpty(after) ? null : after, size, cancellationToken));
    }

    public static async Task<Results<Ok<TaskItem>, ProblemHttpResult>> CompleteAsync(string id, TaskWriter writer, TaskAnalytics analytics, CancellationToken cancellationToken)
    {
        var result = await writer.CompleteAsync(id, cancellationToken);
        if (result.Task is null)
        {
            return NotFound(id);
        }

        if (result.Changed)
        {
            analytics.TaskCompleted(result.Task);
        }

        return TypedResults.Ok(result.Task);
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Task not found.", detail: $"There is no task with id '{id}'.");
}
