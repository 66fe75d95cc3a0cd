using System.Data.Common;
using Npgsql;
using ReliableKafka.Outbox;
using ReliableKafka.Outbox.PostgreSql;
using ReliableKafka.Outbox.Sqlite;
using TaskApi.Hosting;

namespace TaskApi.Data;

/// <summary>
/// The tasks database: SQLite (WAL) in the data directory by default, PostgreSQL when ConnectionStrings:Tasks names a
/// server. Connections come from the library's outbox store, so a task and its outbox row share one transaction.
/// </summary>
public sealed class TaskDatabase
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS tasks (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT NULL,
            due_at BIGINT NULL,
            created_at BIGINT NOT NULL,
            completed_at BIGINT NULL
        );
        CREATE TABLE IF NOT EXISTS idempotency_keys (
            idempotency_key TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            task_id TEXT NOT NULL,
            response TEXT NOT NULL,
            created_at BIGINT NOT NULL
        );
        """;

    private TaskDatabase(OutboxStore outbox, string description)
    {
        Outbox = outbox;
        Description = description;
    }

    /// <summary>The library's outbox store over this database.</summary>
    public OutboxStore Outbox { get; }

    /// <summary>"sqlite" or "postgresql".</summary>
    public string Kind => Outbox.Kind;

    /// <summary>Where the data is, without secrets (the SQLite path or the PostgreSQL host and database).</summary>
    public string Description { get; }

    /// <summary>Picks the store from the configuration.</summary>
    public static TaskDatabase Create(string? connectionString, TaskApiOptions options, TimeProvider time)
    {
        if (IsPostgreSql(connectionString, options.DatabaseProvider))
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return new TaskDatabase(new PostgreSqlOutboxStore(connectionString!, time), $"postgresql {builder.Host}:{builder.Port}/{builder.Database}");
        }

        var sqlite = string.IsNullOrWhiteSpace(connectionString)
            ? $"Data Source={Path.Combine(options.DataPath, "tasks.db")}"
            : connectionString;
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(sqlite).DataSource;
        return new TaskDatabase(new SqliteOutboxStore(sqlite, time) { Synchronous = options.SqliteSynchronous }, $"sqlite {Path.GetFullPath(path)}");
    }

    /// <summary>True when the connection string is PostgreSQL's (or the provider says so).</summary>
    public static bool IsPostgreSql(string? connectionString, string provider) => provider switch
    {
        "postgresql" => true,
        "sqlite" => false,
        _ => !string.IsNullOrWhiteSpace(connectionString)
            && (connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase) || connectionString.Contains("Server=", StringComparison.OrdinalIgnoreCase)),
    };

    /// <summary>Opens a connection (the caller disposes it).</summary>
    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => Outbox.OpenConnectionAsync(cancellationToken);

    /// <summary>Creates the outbox and the service's tables when they do not exist.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await Outbox.EnsureCreatedAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // Several instances may start at once on PostgreSQL: one creates the tables at a time.
        command.CommandText = Kind == "postgresql"
            ? $"BEGIN; SELECT pg_advisory_xact_lock(727101); {Schema} COMMIT;"
            : Schema;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
