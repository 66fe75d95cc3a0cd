using System.Data.Common;
using Npgsql;

namespace ReliableKafka.Outbox.PostgreSql;

/// <summary>
/// The outbox in PostgreSQL, for production: several service instances may run relays at once; rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> and a lease, so no row is published by two relays at the same time in the normal case.
/// </summary>
public sealed class PostgreSqlOutboxStore : OutboxStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates a store over a PostgreSQL database.</summary>
    /// <param name="connectionString">An Npgsql connection string, for example <c>Host=db;Database=tasks;Username=app;Password=...</c>.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    public PostgreSqlOutboxStore(string connectionString, TimeProvider? time = null)
        : base(time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <inheritdoc />
    public override string Kind => "postgresql";

    /// <inheritdoc />
    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Closes the connection pool.</summary>
    /// <returns>A task that completes when closed.</returns>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>Closes the connection pool.</summary>
    public void Dispose() => _dataSource.Dispose();

    /// <inheritdoc />
    protected override bool IsSingleProcess => false;

    /// <inheritdoc />
    protected override string SchemaSql => """
        BEGIN;
        SELECT pg_advisory_xact_lock(727001);
        CREATE TABLE IF NOT EXISTS rk_outbox (
            id BIGSERIAL PRIMARY KEY,
            topic TEXT NOT NULL,
            message_key TEXT NOT NULL,
            message_value TEXT NOT NULL,
            headers TEXT NULL,
            event_id TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            state INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            lease_owner TEXT NULL,
            lease_until BIGINT NOT NULL,
            last_error TEXT NULL,
            sent_at BIGINT NULL,
            sent_partition INTEGER NULL,
            sent_offset BIGINT NULL
        );
        CREATE INDEX IF NOT EXISTS rk_outbox_pending ON rk_outbox (id) WHERE state = 0;
        CREATE INDEX IF NOT EXISTS rk_outbox_pending_key ON rk_outbox (topic, message_key, id) WHERE state = 0;
        CREATE INDEX IF NOT EXISTS rk_outbox_dead_key ON rk_outbox (topic, message_key, id) WHERE state = 2;
        COMMIT;
        """;

    /// <inheritdoc />
    protected override string? SentManySql => """
        UPDATE rk_outbox o SET state = 1, sent_at = @now, sent_partition = u.sent_partition, sent_offset = u.sent_offset,
            lease_owner = NULL, lease_until = 0, last_error = NULL
        FROM unnest(@ids, @partitions, @offsets) AS u(id, sent_partition, sent_offset)
        WHERE o.id = u.id AND o.lease_owner = @owner
        """;

    /// <summary>The database's clock, so that relays on machines whose clocks differ agree on leases.</summary>
    protected override string NowSql => "(extract(epoch from statement_timestamp()) * 1000)::bigint";

    /// <summary>
    /// Ids come from a sequence, so two transactions writing one key could commit out of id order and the relay would
    /// publish the later event first. A transaction-scoped lock per key makes a second writer of the key wait until the
    /// first commits or rolls back. Locks are taken in the order a transaction enqueues: a transaction that writes several
    /// keys should enqueue them in a consistent order (or PostgreSQL aborts one of two crossing transactions as a
    /// deadlock; it rolls back and nothing is lost).
    /// </summary>
    protected override string EnqueueLockSql => "SELECT pg_advisory_xact_lock(hashtext(@topic), hashtext(@key));\n";

    /// <inheritdoc />
    protected override string ClaimSql => $"""
        UPDATE rk_outbox o SET lease_owner = @owner, lease_until = {NowSql} + @lease_ms, attempts = o.attempts + 1
        FROM (
            SELECT c.id FROM rk_outbox c
            WHERE c.state = 0 AND c.next_attempt_at <= {NowSql} AND c.lease_until <= {NowSql}
              AND NOT EXISTS (SELECT 1 FROM rk_outbox p WHERE p.state = 0 AND p.topic = c.topic AND p.message_key = c.message_key AND p.id < c.id)
              AND (@block_dead = 0 OR NOT EXISTS (SELECT 1 FROM rk_outbox d WHERE d.state = 2 AND d.topic = c.topic AND d.message_key = c.message_key AND d.id < c.id))
            ORDER BY c.id LIMIT @max
            FOR UPDATE SKIP LOCKED) picked
        WHERE o.id = picked.id
        RETURNING o.id, o.topic, o.message_key, o.message_value, o.headers, o.event_id, o.created_at, o.attempts
        """;
}
