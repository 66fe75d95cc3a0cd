using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using ReliableKafka.Outbox;
using ReliableKafka.Outbox.PostgreSql;
using ReliableKafka.Outbox.Sqlite;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;

namespace ReliableKafka.Cli.Tests.Outbox;

/// <summary>
/// A real outbox (a fresh SQLite file or PostgreSQL database) whose key "task-k" is held back: its first event,
/// "event-huge", is too large for task-events (max.message.bytes 2000, random base64 that no compression shrinks) and died
/// at a simulated broker through the relay; "event-small" waits behind it. The relay is stopped, so what rk changes stays
/// put until <see cref="RelayUntilAsync"/> runs it again.
/// </summary>
internal sealed class BlockedOutbox : IAsyncDisposable
{
    /// <summary>In the PostgreSQL connection string given to rk (the test server trusts, so it is never sent): it must never be printed.</summary>
    public const string Password = "hunter2-not-shown";

    public const string Topic = "task-events";
    public const string Key = "task-k";

    private readonly string? _sqlitePath;
    private readonly string? _postgresName;

    private BlockedOutbox(SimulatedCluster cluster, OutboxStore store, ReliableProducer<string, string> producer, string[] storeArgs, string? sqlitePath, string? postgresName)
    {
        Cluster = cluster;
        Store = store;
        Producer = producer;
        StoreArgs = storeArgs;
        _sqlitePath = sqlitePath;
        _postgresName = postgresName;
    }

    public SimulatedCluster Cluster { get; }

    public OutboxStore Store { get; }

    public ReliableProducer<string, string> Producer { get; }

    /// <summary>rk's options naming this outbox: --sqlite FILE or --postgres CONNECTION.</summary>
    public string[] StoreArgs { get; }

    /// <summary>The dead event's outbox id.</summary>
    public long DeadId { get; private set; }

    /// <summary>The outbox id of the event that waits behind it.</summary>
    public long WaitingId { get; private set; }

    /// <summary>The PostgreSQL server for tests, from RK_TEST_POSTGRES (set by .ci/run through .ci/postgres.sh).</summary>
    private static string PostgresAdmin => Environment.GetEnvironmentVariable("RK_TEST_POSTGRES")
        ?? throw new InvalidOperationException("RK_TEST_POSTGRES is not set: start a server with `eval \"$(bash .ci/postgres.sh)\"` (as .ci/run does) and run the tests again.");

    public static async Task<BlockedOutbox> CreateAsync(string kind)
    {
        var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = true });
        cluster.CreateTopic(Topic, new TopicSettings(1, 3, 2, MaxMessageBytes: 2000));
        OutboxStore store;
        string[] args;
        string? path = null, name = null;
        if (kind == "sqlite")
        {
            path = Path.Combine(Path.GetTempPath(), $"rk-outbox-cli-{Guid.NewGuid():N}.db");
            store = new SqliteOutboxStore($"Data Source={path}");
            args = ["--sqlite", path];
        }
        else
        {
            name = $"rk_cli_test_{Guid.NewGuid():N}";
            await using (var admin = new NpgsqlConnection(PostgresAdmin))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                await create.ExecuteNonQueryAsync();
            }

            var connectionString = new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name }.ConnectionString;
            store = new PostgreSqlOutboxStore(connectionString);
            args = ["--postgres", new NpgsqlConnectionStringBuilder(connectionString) { Password = Password }.ConnectionString];
        }

        var producer = new ReliableProducer<string, string>(new ReliableProducerOptions { BootstrapServers = cluster.BootstrapServers, Settings = { ["linger.ms"] = "1" } });
        var outbox = new BlockedOutbox(cluster, store, producer, args, path, name);
        try
        {
            await store.EnsureCreatedAsync();
            foreach (var (value, eventId) in new[] { (Convert.ToBase64String(RandomNumberGenerator.GetBytes(6000)), "event-huge"), ("small", "event-small") })
            {
                await using var connection = await store.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await store.EnqueueAsync(transaction, new OutboxEvent(Topic, Key, value, eventId));
                await transaction.CommitAsync();
            }

            await outbox.RelayUntilAsync(static b => b.Dead == 1, "the oversized event dying");
            outbox.DeadId = Assert.Single(await store.GetDeadEventsAsync()).Id;
            await using (var connection = await store.OpenConnectionAsync())
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT id FROM rk_outbox WHERE event_id = 'event-small'";
                outbox.WaitingId = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            }
        }
        catch
        {
            await outbox.DisposeAsync();
            throw;
        }

        return outbox;
    }

    /// <summary>Runs rk with this outbox's store options after <paramref name="args"/>.</summary>
    public Task<RkResult> RkAsync(params string[] args) => RkInProcess.RunAsync([.. args, .. StoreArgs]);

    /// <summary>Runs the relay (as the service does) until the backlog satisfies <paramref name="condition"/>, then stops it.</summary>
    public async Task RelayUntilAsync(Func<OutboxBacklog, bool> condition, string what)
    {
        using var relay = new OutboxRelay(Store, Producer, new OutboxRelayOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        await relay.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.WaitUntilAsync(async () => condition(await Store.GetBacklogAsync()), TimeSpan.FromSeconds(30), what);
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The values on task-events, in log order (its one partition).</summary>
    public List<string?> Published() => [.. TopicReader.ReadPartition(Cluster.BootstrapServers, Topic, 0).Select(static r => r.Value)];

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await Producer.DisposeAsync();
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        await Cluster.DisposeAsync();
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
}
