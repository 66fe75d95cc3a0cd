using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using ReliableKafka.Consuming;
using TaskApi.Data;
using TaskApi.Hosting;

namespace TaskApi.Notifications;

/// <summary>
/// The notification service's own database: the <c>notifications</c> table and the consumer's processed-event table.
/// SQLite: a file of its own in the data directory (so the consumer never waits for the task writer's lock);
/// PostgreSQL: ConnectionStrings:Notifications, or the tasks database.
/// </summary>
public sealed class NotificationDatabase : IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS notifications (
            event_id TEXT PRIMARY KEY,
            task_id TEXT NOT NULL,
            message TEXT NOT NULL,
            sent_at BIGINT NOT NULL
        )
        """;

    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqlite;
    private readonly string _synchronous;

    private NotificationDatabase(NpgsqlDataSource? postgres, string? sqlite, string synchronous)
    {
        _postgres = postgres;
        _sqlite = sqlite;
        _synchronous = synchronous;
    }

    public string Kind => _postgres is null ? "sqlite" : "postgresql";

    public static NotificationDatabase Create(string? notifications, string? tasks, TaskApiOptions options)
    {
        var connectionString = string.IsNullOrWhiteSpace(notifications) ? null : notifications;
        if (connectionString is null && TaskDatabase.IsPostgreSql(tasks, options.DatabaseProvider))
        {
            connectionString = tasks;
        }

        if (connectionString is not null && TaskDatabase.IsPostgreSql(connectionString, "auto"))
        {
            return new NotificationDatabase(NpgsqlDataSource.Create(connectionString), null, options.SqliteSynchronous);
        }

        var sqlite = connectionString ?? $"Data Source={Path.Combine(options.DataPath, "notifications.db")}";
        return new NotificationDatabase(null, new SqliteConnectionStringBuilder(sqlite) { Pooling = true }.ToString(), options.SqliteSynchronous);
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_sqlite);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = DbCommands.Create(connection, null, $"PRAGMA synchronous = {_synchronous}; PRAGMA busy_timeout = 10000;");
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch (Exception e) when (e is DbException or OperationCanceledException)
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        if (_postgres is null)
        {
            await using var wal = DbCommands.Create(connection, null, "PRAGMA journal_mode = WAL");
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = DbCommands.Create(connection, null, _postgres is null ? Schema : $"BEGIN; SELECT pg_advisory_xact_lock(727102); {Schema}; COMMIT;");
        await command.ExecuteNonQueryAsync(cancellationToken);
        await ProcessedEvents.EnsureCreatedAsync(connection, cancellationToken);
    }

    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
}
