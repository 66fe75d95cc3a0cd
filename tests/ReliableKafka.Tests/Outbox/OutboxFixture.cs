using System.Data.Common;
using Npgsql;
using ReliableKafka.Outbox;
using ReliableKafka.Outbox.PostgreSql;
using ReliableKafka.Outbox.Sqlite;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;

namespace ReliableKafka.Tests.Outbox;

/// <summary>A database for an outbox test: a fresh SQLite file, or a fresh PostgreSQL database (dropped afterwards).</summary>
internal sealed class OutboxDatabase : IAsyncDisposable
{
    private readonly string? _sqlitePath;
    private readonly string? _postgresName;

    private OutboxDatabase(OutboxStore store, string? sqlitePath, string? postgresName)
    {
        Store = store;
        _sqlitePath = sqlitePath;
        _postgresName = postgresName;
    }

    public OutboxStore Store { get; }

    /// <summary>Another store object over the same database, as another process would open it, with its own clock.</summary>
    public OutboxStore OpenAnother(TimeProvider time) => _sqlitePath is not null
        ? new SqliteOutboxStore($"Data Source={_sqlitePath}", time)
        : new PostgreSqlOutboxStore(new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = _postgresName }.ConnectionString, time);

    /// <summary>The PostgreSQL server for tests, from RK_TEST_POSTGRES (set by .ci/run through .ci/postgres.sh).</summary>
    public static string PostgresAdmin => Environment.GetEnvironmentVariable("RK_TEST_POSTGRES")
        ?? throw new InvalidOperationException("RK_TEST_POSTGRES is not set: start a server with `eval \"$(bash .ci/postgres.sh)\"` (as .ci/run does) and run the tests again.");

    public static async Task<OutboxDatabase> CreateAsync(string kind)
    {
        if (kind == "sqlite")
        {
            var path = Path.Combine(Path.GetTempPath(), $"rk-outbox-{Guid.NewGuid():N}.db");
            var store = new SqliteOutboxStore($"Data Source={path}");
            await store.EnsureCreatedAsync();
            await CreateBusinessTableAsync(store);
            return new OutboxDatabase(store, path, null);
        }

        var name = $"rk_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var pg = new PostgreSqlOutboxStore(new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name }.ConnectionString);
        await pg.EnsureCreatedAsync();
        await CreateBusinessTableAsync(pg);
        return new OutboxDatabase(pg, null, name);
    }

    /// <summary>Writes a business row and its event in one transaction; rolls back instead when asked.</summary>
    public async Task WriteAsync(string topic, string key, string value, string eventId, bool commit = true)
    {
        await using var connection = await Store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO things (id, body) VALUES (@id, @body)";
            Add(command, "id", eventId);
            Add(command, "body", value);
            await command.ExecuteNonQueryAsync();
        }

        await Store.EnqueueAsync(transaction, new OutboxEvent(topic, key, value, eventId));
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Store.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        if (_sqlitePath is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _sqlitePath, _sqlitePath + "-wal", _sqlitePath + "-shm" })
            {
                File.Delete(file);
            }
        }

        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task CreateBusinessTableAsync(OutboxStore store)
    {
        await using var connection = await store.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE things (id TEXT PRIMARY KEY, body TEXT NOT NULL)";
        await command.ExecuteNonQueryAsync();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>Helpers shared by the outbox tests: a producer and a reader against a simulated cluster.</summary>
internal static class OutboxCluster
{
    public static ReliableProducer<string, string> Producer(SimulatedCluster cluster, int deliveryTimeoutMs = 30000, bool includeConfigurationErrors = true, int? messageMaxBytes = null) =>
        new(new ReliableProducerOptions
        {
            Profile = ReliabilityProfile.Critical,
            BootstrapServers = cluster.BootstrapServers,
            Settings =
            {
                ["message.max.bytes"] = (messageMaxBytes ?? 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["delivery.timeout.ms"] = deliveryTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["request.timeout.ms"] = Math.Min(5000, deliveryTimeoutMs / 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["socket.timeout.ms"] = "2000",
                ["linger.ms"] = "1",
            },
            DeadLetters = new DeadLetterOptions { IncludeConfigurationErrors = includeConfigurationErrors, SpillPath = Path.Combine(Path.GetTempPath(), $"rk-spill-{Guid.NewGuid():N}.db"), OpenSpill = ReliableKafka.DeadLetters.Sqlite.SqliteDeadLetterSpill.Open },
        });

    /// <summary>Every record of a topic; see <see cref="TopicReader.ReadAll"/>.</summary>
    public static List<ReliableKafka.Reading.TopicRecord<string, string>> ReadAll(SimulatedCluster cluster, string topic, int expected) =>
        TopicReader.ReadAll(cluster.BootstrapServers, topic, expected);

    public static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => Eventually.WaitUntilAsync(condition, timeout, what);
}
