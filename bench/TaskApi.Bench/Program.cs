// The outbox relay's drain rate: fills an outbox with N task.created events (one key per task, as the Task API
// writes them), then starts the library's OutboxRelay with the Critical profile against an in-process simulated
// cluster (3 brokers, task-events 3 partitions, RF 3, min.insync 2) and times until the backlog is empty.
// Usage: dotnet run -c Release --project bench/TaskApi.Bench -- [--events 100000] [--stores sqlite,postgresql] [--batch 1000] [--quick]
// PostgreSQL needs RK_TEST_POSTGRES (eval "$(bash .ci/postgres.sh)").
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using ReliableKafka;
using ReliableKafka.DeadLetters.Sqlite;
using ReliableKafka.Outbox;
using ReliableKafka.Outbox.PostgreSql;
using ReliableKafka.Outbox.Sqlite;
using ReliableKafka.Simulator.Cluster;

var events = 100_000;
var batch = 1000;
var stores = new List<string> { "sqlite", "postgresql" };
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--events": events = Arguments.Positive("--events", Arguments.Value(args, ref i)); break;
        case "--batch": batch = Arguments.Positive("--batch", Arguments.Value(args, ref i)); break;
        case "--stores": stores = [.. Arguments.Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
        case "--quick": events = 5_000; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

Console.WriteLine($"Outbox relay drain: {events:N0} events, relay batch {batch}, Critical profile, simulated cluster in-process, {Environment.ProcessorCount} cores");
var table = new TextTable(1, "store", "fill s", "drain s", "events/s", "on topic");
foreach (var kind in stores)
{
    var result = await DrainBench.RunAsync(kind, events, batch);
    table.Add(kind, result.Fill.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture), result.Drain.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
        (events / result.Drain.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture), result.OnTopic.ToString("N0", CultureInfo.InvariantCulture));
}

Console.WriteLine(table);
return 0;

internal static class DrainBench
{
    public static async Task<(TimeSpan Fill, TimeSpan Drain, long OnTopic)> RunAsync(string kind, int events, int batch)
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3 });
        cluster.CreateTopic("task-events", new TopicSettings(Partitions: 3, ReplicationFactor: 3, MinInSyncReplicas: 2));
        var (store, cleanup) = await CreateStoreAsync(kind);
        try
        {
            await store.EnsureCreatedAsync();
            var fill = Stopwatch.StartNew();
            for (var start = 0; start < events; start += 5000)
            {
                await using var connection = await store.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                for (var i = start; i < Math.Min(events, start + 5000); i++)
                {
                    var taskId = Guid.CreateVersion7().ToString();
                    var eventId = Guid.CreateVersion7().ToString();
                    var value = $$"""{"event_type":"task.created","event_id":"{{eventId}}","task_id":"{{taskId}}","title":"Benchmark task {{i}}","created_at":"2025-01-15T10:30:00Z"}""";
                    await store.EnqueueAsync(transaction, new OutboxEvent("task-events", taskId, value, eventId));
                }

                await transaction.CommitAsync();
            }

            fill.Stop();
            var spill = Path.Combine(Path.GetTempPath(), $"taskapi-bench-spill-{Guid.NewGuid():N}.db");
            await using var producer = new ReliableProducer<string, string>(new ReliableProducerOptions
            {
                Profile = ReliabilityProfile.Critical,
                BootstrapServers = cluster.BootstrapServers,
                DeadLetters = new DeadLetterOptions { SpillPath = spill, OpenSpill = SqliteDeadLetterSpill.Open },
            });
            using var relay = new OutboxRelay(store, producer, new OutboxRelayOptions { BatchSize = batch, PollInterval = TimeSpan.FromMilliseconds(20) });
            var drain = Stopwatch.StartNew();
            await relay.StartAsync(CancellationToken.None);
            while (relay.Published < events)
            {
                await Task.Delay(20);
            }

            drain.Stop();
            await relay.StopAsync(CancellationToken.None);
            var backlog = await store.GetBacklogAsync();
            if (backlog.Pending != 0)
            {
                throw new InvalidOperationException($"{backlog.Pending} events still pending after the relay published {relay.Published}");
            }

            var onTopic = cluster.Describe().Topics.Single(static t => t.Name == "task-events").Partitions.Sum(static p => p.HighWatermark);
            File.Delete(spill);
            return (fill.Elapsed, drain.Elapsed, onTopic);
        }
        finally
        {
            await cleanup();
        }
    }

    private static async Task<(OutboxStore Store, Func<Task> Cleanup)> CreateStoreAsync(string kind)
    {
        if (kind == "sqlite")
        {
            var path = Path.Combine(Path.GetTempPath(), $"taskapi-bench-{Guid.NewGuid():N}.db");
            return (new SqliteOutboxStore($"Data Source={path}"), () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                {
                    File.Delete(file);
                }

                return Task.CompletedTask;
            });
        }

        var admin = Environment.GetEnvironmentVariable("RK_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("RK_TEST_POSTGRES is not set: eval \"$(bash .ci/postgres.sh)\" first, or pass --stores sqlite.");
        var name = $"taskapi_bench_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var store = new PostgreSqlOutboxStore(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
        return (store, async () =>
        {
            await store.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        });
    }
}
