using Npgsql;

namespace TaskApi.Tests.Infrastructure;

/// <summary>
/// Where one test's API keeps its data: a temporary data directory (SQLite files) and, for "postgresql", a fresh
/// database on the test server (RK_TEST_POSTGRES), dropped afterwards.
/// </summary>
internal sealed class TestStore : IAsyncDisposable
{
    private readonly string? _postgresName;

    private TestStore(string kind, string directory, string? postgresName, string? connectionString)
    {
        Kind = kind;
        Directory = directory;
        _postgresName = postgresName;
        ConnectionString = connectionString;
    }

    public string Kind { get; }

    public string Directory { get; }

    /// <summary>ConnectionStrings:Tasks for PostgreSQL; null for the SQLite default.</summary>
    public string? ConnectionString { get; }

    /// <summary>The PostgreSQL server for tests, from RK_TEST_POSTGRES (set by .ci/run through .ci/postgres.sh).</summary>
    public static string PostgresAdmin => System.Environment.GetEnvironmentVariable("RK_TEST_POSTGRES") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException("RK_TEST_POSTGRES is not set: start a server with `eval \"$(bash .ci/postgres.sh)\"` (as .ci/run does) and run the tests again.");

    public static async Task<TestStore> CreateAsync(string kind)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"taskapi-test-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        if (kind == "sqlite")
        {
            return new TestStore(kind, directory, null, null);
        }

        var name = $"taskapi_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new TestStore(kind, directory, name, new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name }.ConnectionString);
    }

    /// <summary>The environment that points the API at this store.</summary>
    public Dictionary<string, string> Environment(string bootstrapServers)
    {
        var environment = new Dictionary<string, string> { ["Kafka__BootstrapServers"] = bootstrapServers };
        if (ConnectionString is not null)
        {
            environment["ConnectionStrings__Tasks"] = ConnectionString;
        }

        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a process that is being killed: the temporary directory is left behind.
        }
    }
}
