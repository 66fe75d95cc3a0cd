using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Confluent.Kafka;
using ReliableKafka.Consuming;
using ReliableKafka.DeadLetters.Sqlite;
using ReliableKafka.Outbox;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Faults;

namespace ReliableKafka.Audit.Checking.Library;

/// <summary>An event a writer tried to put in an outbox.</summary>
/// <param name="Store">The outbox ("sqlite" or "postgresql").</param>
/// <param name="EventId">Its id.</param>
/// <param name="Topic">Its topic.</param>
/// <param name="Key">Its key.</param>
/// <param name="Committed">True when its transaction committed, false when it rolled back on purpose.</param>
internal sealed record WrittenEvent(string Store, string EventId, string Topic, string Key, bool Committed);

/// <summary>One <see cref="ReliableProducer{TKey, TValue}"/> call and what came back.</summary>
internal sealed class ProducerCall(string eventId, string key, bool awaited)
{
    private int _outcomes;

    public string EventId { get; } = eventId;

    public string Key { get; } = key;

    public bool Awaited { get; } = awaited;

    public int Outcomes => Volatile.Read(ref _outcomes);

    public DeliveryOutcome? Outcome { get; private set; }

    public Exception? Thrown { get; set; }

    public void Record(DeliveryOutcome outcome)
    {
        Outcome = outcome;
        Interlocked.Increment(ref _outcomes);
    }
}

/// <summary>One relay position: the running relay and the killed incarnations it replaced.</summary>
internal sealed class RelaySlot(string name, OutboxStore store)
{
    public string Name { get; } = name;

    public OutboxStore Store { get; } = store;

    public int Incarnation { get; set; }

    public string ClientId => $"{Name}.{Incarnation}";

    public OutboxRelay? Relay { get; set; }

    public ReliableProducer<string, string>? Producer { get; set; }

    public List<(OutboxRelay Relay, ReliableProducer<string, string> Producer, Task Stopping, List<FaultHandle> Cuts)> Killed { get; } = [];
}

/// <summary>
/// The library checker's workload on one simulated cluster: concurrent writers into a SQLite outbox and (when a server
/// is given) a PostgreSQL outbox, a relay per outbox position (two on PostgreSQL), a <see cref="ReliableProducer{TKey, TValue}"/>
/// with both publish paths, and an idempotent consumer over every event topic; poison events (too large, or for a topic
/// that does not exist yet) and rolled-back writes among them.
/// </summary>
internal sealed class LibraryWorkload : IAsyncDisposable
{
    private const int DeliveryTimeoutMs = 6000;
    private readonly SimulatedCluster _cluster;
    private readonly string _directory;
    private readonly LibraryCheckSettings _settings;
    private readonly int _seed;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private IdempotentConsumer? _consumer;

    private LibraryWorkload(SimulatedCluster cluster, string directory, LibraryCheckSettings settings, int seed)
    {
        _cluster = cluster;
        _directory = directory;
        _settings = settings;
        _seed = seed;
    }

    public SqliteOutboxStoreHandle Sqlite { get; private set; } = null!;

    public PostgreSqlDatabase? Postgres { get; private set; }

    public List<RelaySlot> Slots { get; } = [];

    public ConcurrentQueue<WrittenEvent> Written { get; } = new();

    public ConcurrentQueue<ProducerCall> Calls { get; } = new();

    public ReliableProducer<string, string> Direct { get; private set; } = null!;

    /// <summary>Whether the operator skips every dead event once the faults are healed (half the workload seeds), so the keys they hold back drain too.</summary>
    public bool OperatorSkips => _seed % 2 == 0;

    public string EffectsPath => Path.Combine(_directory, "effects.db");

    public IEnumerable<string> SpillPaths => Directory.EnumerateFiles(_directory, "spill-*.db");

    public static async Task<LibraryWorkload> StartAsync(SimulatedCluster cluster, LibraryCheckSettings settings, int seed, CancellationToken token)
    {
        var directory = Directory.CreateTempSubdirectory("rk-library-check-").FullName;
        var workload = new LibraryWorkload(cluster, directory, settings, seed);
        workload.Sqlite = new SqliteOutboxStoreHandle(Path.Combine(directory, "outbox.db"));
        await workload.Sqlite.Store.EnsureCreatedAsync(token).ConfigureAwait(false);
        workload.Slots.Add(new RelaySlot(LibraryTopology.Relays[0], workload.Sqlite.Store));
        if (settings.PostgresConnectionString is { } admin)
        {
            workload.Postgres = await PostgreSqlDatabase.CreateAsync(admin, token).ConfigureAwait(false);
            await workload.Postgres.Store.EnsureCreatedAsync(token).ConfigureAwait(false);
            workload.Slots.Add(new RelaySlot(LibraryTopology.Relays[1], workload.Postgres.Store));
            workload.Slots.Add(new RelaySlot(LibraryTopology.Relays[2], workload.Postgres.Store));
        }

        foreach (var slot in workload.Slots)
        {
            await workload.StartRelayAsync(slot).ConfigureAwait(false);
        }

        workload.Direct = workload.Producer("direct", includeConfigurationErrors: true);
        await workload.StartConsumerAsync(token).ConfigureAwait(false);
        var stop = workload._stop.Token;
        for (var writer = 0; writer < 3; writer++)
        {
            var index = writer;
            workload._loops.Add(Task.Run(() => workload.WriteAsync(index, stop), CancellationToken.None));
        }

        workload._loops.Add(Task.Run(() => workload.PublishAsync(stop), CancellationToken.None));
        return workload;
    }

    /// <summary>Kills a relay hard: its client is cut off from every broker (nothing it sends arrives again), it is told to stop but nobody waits, and a new relay with the same instance id starts.</summary>
    public async Task KillRelayAsync(int pick)
    {
        var slot = Slots[pick % Slots.Count];
        var cuts = _cluster.BrokerIds.Select(b => _cluster.FaultsOf(b).CutNetwork(slot.ClientId, NetworkCutMode.Blackhole)).ToList();
        slot.Killed.Add((slot.Relay!, slot.Producer!, slot.Relay!.StopAsync(CancellationToken.None), cuts));
        await StartRelayAsync(slot).ConfigureAwait(false);
    }

    /// <summary>Stops writing and publishing; waits for the writers and for the killed relays' last rounds; disposes those relays while still cut off.</summary>
    public async Task StopWritingAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        foreach (var slot in Slots)
        {
            foreach (var (relay, producer, stopping, cuts) in slot.Killed)
            {
                await stopping.ConfigureAwait(false);
                relay.Dispose();
                await producer.DisposeAsync().ConfigureAwait(false);
                cuts.ForEach(static c => c.Remove());
            }
        }
    }

    /// <summary>Stops the relays and disposes every producer: after this every call has its outcome.</summary>
    public async Task StopPublishingAsync()
    {
        foreach (var slot in Slots)
        {
            await slot.Relay!.StopAsync(CancellationToken.None).ConfigureAwait(false);
            slot.Relay.Dispose();
            await slot.Producer!.DisposeAsync().ConfigureAwait(false);
        }

        await Direct.DisposeAsync().ConfigureAwait(false);
    }

    public async Task StopConsumingAsync()
    {
        if (_consumer is not null)
        {
            await _consumer.StopAsync(CancellationToken.None).ConfigureAwait(false);
            _consumer.Dispose();
            _consumer = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await StopConsumingAsync().ConfigureAwait(false);
        _stop.Dispose();
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync().ConfigureAwait(false);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open; the temporary directory is left behind.
        }
    }

    private ReliableProducer<string, string> Producer(string clientId, bool includeConfigurationErrors) =>
        new(new ReliableProducerOptions
        {
            Profile = ReliabilityProfile.Critical,
            BootstrapServers = _cluster.BootstrapServers,
            Name = clientId,
            Settings =
            {
                ["client.id"] = clientId,
                ["delivery.timeout.ms"] = DeliveryTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["request.timeout.ms"] = "2000",
                ["socket.timeout.ms"] = "2000",
                ["linger.ms"] = "5",
                ["topic.metadata.refresh.interval.ms"] = "1000",
            },
            DeadLetters = new DeadLetterOptions
            {
                Topic = LibraryTopology.DeadLetterTopic,
                IncludeConfigurationErrors = includeConfigurationErrors,
                SpillPath = Path.Combine(_directory, $"spill-{clientId}.db"),
                OpenSpill = SqliteDeadLetterSpill.Open,
            },
        });

    private async Task StartRelayAsync(RelaySlot slot)
    {
        slot.Incarnation++;
        slot.Producer = Producer(slot.ClientId, includeConfigurationErrors: false);
        slot.Relay = new OutboxRelay(slot.Store, slot.Producer, new OutboxRelayOptions
        {
            InstanceId = slot.Name,
            BatchSize = 50,
            PollInterval = TimeSpan.FromMilliseconds(50),
            RetryBackoff = TimeSpan.FromMilliseconds(100),
            MaxRetryBackoff = TimeSpan.FromSeconds(1),
            DeadEvents = _settings.DeadEvents,
        });
        await slot.Relay.StartAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task StartConsumerAsync(CancellationToken token)
    {
        await using (var connection = await OpenEffectsAsync(token).ConfigureAwait(false))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE effects (event_id TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL)";
            await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }

        var options = new IdempotentConsumerOptions
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "check-effects",
            ConsumerName = "effects",
            RetryBackoff = TimeSpan.FromMilliseconds(100),
            MaxAttempts = 3,
            DeadLetterTopic = LibraryTopology.ConsumerDeadLetterTopic,
            Settings = { ["topic.metadata.refresh.interval.ms"] = "1000", ["allow.auto.create.topics"] = "false" },
        };
        options.Topics.Add(LibraryTopology.OutboxTopic);
        options.Topics.Add(LibraryTopology.DirectTopic);
        options.Topics.Add(LibraryTopology.LateTopic);
        _consumer = new IdempotentConsumer(options, OpenEffectsAsync, static async (record, eventId, transaction, cancellationToken) =>
        {
            // A tombstone is no event: the handler fails on it, and the consumer's poison-record policy must take it away.
            _ = record.Message.Value ?? throw new InvalidDataException($"{eventId} has no value");
            await using var insert = transaction.Connection!.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO effects (event_id, topic, partition, offset) VALUES ($id, $topic, $partition, $offset)";
            insert.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("$id", eventId));
            insert.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("$topic", record.Topic));
            insert.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("$partition", record.Partition.Value));
            insert.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("$offset", record.Offset.Value));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });
        await _consumer.StartAsync(CancellationToken.None).ConfigureAwait(false);
    }

    internal async Task<DbConnection> OpenEffectsAsync(CancellationToken token)
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={EffectsPath};Pooling=true");
        await connection.OpenAsync(token).ConfigureAwait(false);
        return connection;
    }

    /// <summary>A writer: events with random keys into a random outbox; some too large, some for the late topic, some rolled back.</summary>
    private async Task WriteAsync(int writer, CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(_seed, writer));
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var postgres = Postgres is not null && random.Next(2) == 0;
            var store = postgres ? (OutboxStore)Postgres!.Store : Sqlite.Store;
            var eventId = $"{store.Kind}-{writer}-{n}";
            var key = $"k{random.Next(24)}";
            var roll = random.Next(100);
            var topic = roll < 2 ? LibraryTopology.LateTopic : LibraryTopology.OutboxTopic;
            var value = roll is >= 2 and < 4 ? eventId + ":" + Convert.ToBase64String(RandomBytes(random, LibraryTopology.MaxMessageBytes * 2)) : eventId;
            var commit = roll is < 4 or >= 8;
            try
            {
                using (await store.EnterWriteAsync(stop).ConfigureAwait(false))
                {
                    await using var connection = await store.OpenConnectionAsync(stop).ConfigureAwait(false);
                    await using var transaction = await connection.BeginTransactionAsync(stop).ConfigureAwait(false);
                    await store.EnqueueAsync(transaction, new OutboxEvent(topic, key, value, eventId), stop).ConfigureAwait(false);
                    if (commit)
                    {
                        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    else
                    {
                        await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }

                Written.Enqueue(new WrittenEvent(store.Kind, eventId, topic, key, commit));
                foreach (var slot in Slots)
                {
                    slot.Relay?.Notify();
                }

                await Task.Delay(random.Next(2, 15), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Calls the producer with both publish paths; some values too large for the topic.</summary>
    private async Task PublishAsync(CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(_seed, "direct"));
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var roll = random.Next(100);
            var eventId = roll < 3 ? $"{LibraryTopology.TombstonePrefix}{n}" : $"direct-{n}";
            var key = $"d{random.Next(4)}";
            var value = roll < 3 ? null! : roll < 6 ? eventId + ":" + Convert.ToBase64String(RandomBytes(random, LibraryTopology.MaxMessageBytes * 2)) : eventId;
            var headers = new Headers { { "event-id", Encoding.UTF8.GetBytes(eventId) } };
            var call = new ProducerCall(eventId, key, awaited: random.Next(2) == 0);
            Calls.Enqueue(call);
            try
            {
                if (call.Awaited)
                {
                    call.Record(await Direct.PublishAsync(LibraryTopology.DirectTopic, key, value, headers, CancellationToken.None).ConfigureAwait(false));
                }
                else
                {
                    Direct.Publish(LibraryTopology.DirectTopic, key, value, headers, call, static (outcome, c) => c.Record(outcome));
                }

                await Task.Delay(random.Next(2, 15), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                call.Thrown = e;
            }
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}

/// <summary>The SQLite outbox of a check.</summary>
internal sealed class SqliteOutboxStoreHandle(string path)
{
    public ReliableKafka.Outbox.Sqlite.SqliteOutboxStore Store { get; } = new($"Data Source={path}");
}

/// <summary>A fresh PostgreSQL database for one check, dropped afterwards.</summary>
internal sealed class PostgreSqlDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;

    private PostgreSqlDatabase(string admin, string name)
    {
        _admin = admin;
        _name = name;
        Store = new ReliableKafka.Outbox.PostgreSql.PostgreSqlOutboxStore(new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }

    public ReliableKafka.Outbox.PostgreSql.PostgreSqlOutboxStore Store { get; }

    public static async Task<PostgreSqlDatabase> CreateAsync(string admin, CancellationToken token)
    {
        var name = $"rk_check_{Guid.NewGuid():N}";
        await using var connection = new Npgsql.NpgsqlConnection(admin);
        await connection.OpenAsync(token).ConfigureAwait(false);
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        return new PostgreSqlDatabase(admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync().ConfigureAwait(false);
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var connection = new Npgsql.NpgsqlConnection(_admin);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
