using System.Data.Common;
using TaskApi.Data;

namespace TaskApi.Tasks;

/// <summary>Reads tasks.</summary>
public sealed class TaskReader(TaskDatabase database)
{
    private const string Columns = "id, title, description, due_at, created_at, completed_at";

    public async Task<TaskItem?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReadAsync(connection, null, id, cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> tasks with ids after <paramref name="after"/>, oldest first.</summary>
    public async Task<TaskPage> ListAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = DbCommands.Create(connection, null, after is null
            ? $"SELECT {Columns} FROM tasks ORDER BY id LIMIT @limit"
            : $"SELECT {Columns} FROM tasks WHERE id > @after ORDER BY id LIMIT @limit")
            .With("limit", limit + 1);
        if (after is not null)
        {
            command.With("after", after);
        }

        var items = new List<TaskItem>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(Map(reader));
            }
        }

        if (items.Count <= limit)
        {
            return new TaskPage(items, null);
        }

        items.RemoveAt(limit);
        return new TaskPage(items, items[^1].Id);
    }

    internal static async Task<TaskItem?> ReadAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, transaction, $"SELECT {Columns} FROM tasks WHERE id = @id").With("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Map(reader) : null;
    }

    private static TaskItem Map(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.NullableString(2),
        reader.NullableInt64(3) is { } due ? DateTimeOffset.FromUnixTimeMilliseconds(due) : null,
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        reader.NullableInt64(5) is { } completed ? DateTimeOffset.FromUnixTimeMilliseconds(completed) : null);
}
