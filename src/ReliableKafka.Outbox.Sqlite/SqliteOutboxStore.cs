using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ReliableKafka.Outbox.Sqlite;

/// <summary>
/// The outbox in a SQLite file (WAL journal): the embedded default, for one service process. Each connection runs with
/// <c>synchronous=FULL</c> unless <see cref="Synchronous"/> says otherwise, so a committed event survives a power loss.
/// </summary>
public sealed class SqliteOutboxStore : OutboxStore
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate;

    /// <summary>Creates a store over a SQLite database.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, for example <c>Data Source=tasks.db</c>.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    public SqliteOutboxStore(string connectionString, TimeProvider? time = null)
        : base(time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        _connectionString = builder.ToString();

        // One gate per database file in this process, whichever store objects point at it.
        var file = string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:" ? _connectionString : Path.GetFullPath(builder.DataSource);
        _gate = Gates.GetOrAdd(file, static _ => new SemaphoreSlim(1, 1));
    }

    /// <inheritdoc />
    public override async ValueTask<IDisposable> EnterWriteAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(_gate);
    }

    /// <summary>
    /// The <c>PRAGMA synchronous</c> level of every connection: FULL (the default; durable across power loss) or NORMAL
    /// (durable across process crashes, not power loss; faster commits in WAL mode).
    /// </summary>
    public string Synchronous { get; init; } = "FULL";

    /// <inheritdoc />
    public override string Kind => "sqlite";

    /// <inheritdoc />
    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = Synchronous is "FULL" or "NORMAL" or "EXTRA"
                ? $"PRAGMA synchronous = {Synchronous}; PRAGMA busy_timeout = 10000;"
                : throw new InvalidOperationException($"Synchronous must be FULL, NORMAL or EXTRA, not '{Synchronous}'.");
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    protected override bool IsSingleProcess => true;

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    /// <inheritdoc />
    protected override string SchemaSql => """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS rk_outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL,
            message_key TEXT NOT NULL,
            message_value TEXT NOT NULL,
            headers TEXT NULL,
            event_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            state INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            lease_owner TEXT NULL,
            lease_until INTEGER NOT NULL,
            last_error TEXT NULL,
            sent_at INTEGER NULL,
            sent_partition INTEGER NULL,
            sent_offset INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS rk_outbox_pending ON rk_outbox (id) WHERE state = 0;
        CREATE INDEX IF NOT EXISTS rk_outbox_pending_key ON rk_outbox (topic, message_key, id) WHERE state = 0;
        CREATE INDEX IF NOT EXISTS rk_outbox_dead_key ON rk_outbox (topic, message_key, id) WHERE state = 2;
        """;

    /// <inheritdoc />
    protected override string ClaimSql => """
        UPDATE rk_outbox SET lease_owner = @owner, lease_until = @now + @lease_ms, attempts = attempts + 1
        WHERE id IN (
            SELECT o.id FROM rk_outbox o
            WHERE o.state = 0 AND o.next_attempt_at <= @now AND o.lease_until <= @now
              AND NOT EXISTS (SELECT 1 FROM rk_outbox p WHERE p.state = 0 AND p.topic = o.topic AND p.message_key = o.message_key AND p.id < o.id)
              AND (@block_dead = 0 OR NOT EXISTS (SELECT 1 FROM rk_outbox d WHERE d.state = 2 AND d.topic = o.topic AND d.message_key = o.message_key AND d.id < o.id))
            ORDER BY o.id LIMIT @max)
        RETURNING id, topic, message_key, message_value, headers, event_id, created_at, attempts
        """;
}
