using System.Data.Common;
using System.Text.Json;

namespace ReliableKafka.Outbox;

/// <summary>
/// The outbox table: the service writes events into it inside its own database transaction
/// (<see cref="EnqueueAsync"/>), and <see cref="OutboxRelay"/> publishes them. Implemented for SQLite
/// (<c>SqliteOutboxStore</c> in ReliableKafka.Outbox.Sqlite) and PostgreSQL (<c>PostgreSqlOutboxStore</c> in
/// ReliableKafka.Outbox.PostgreSql); a subclass supplies the connection and the dialect's SQL.
/// </summary>
/// <remarks>
/// Rows are claimed with a lease, so a crashed relay's rows come back after the lease, and several relays (several
/// service instances on PostgreSQL) never publish the same row at once in the normal case; every round leases under its
/// own token, so a late completion never touches a row another round holds. Per key, only the oldest unpublished event
/// is ever claimed, so events of one key are published in the order they were written; a dead event (one that failed
/// for good) holds its key back until an operator retries or skips it (<see cref="RetryDeadEventAsync"/>,
/// <see cref="SkipDeadEventAsync"/>), unless the relay's <see cref="OutboxRelayOptions.DeadEvents"/> says otherwise.
/// </remarks>
public abstract class OutboxStore
{
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    /// <param name="time">The clock; the system clock when null.</param>
    protected OutboxStore(TimeProvider? time) => _time = time ?? TimeProvider.System;

    /// <summary>A short name of the database kind ("sqlite", "postgresql").</summary>
    public abstract string Kind { get; }

    /// <summary>Opens a connection to the store's database (the caller disposes it).</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection.</returns>
    public abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes this store's in-process write turn; dispose the result after the write transaction commits. With SQLite
    /// (one writer at a time) the service's own write transactions should take it too: writers then queue here, in
    /// order, instead of in SQLite's busy handler, which sleeps up to 100 ms at a time. With PostgreSQL it costs nothing
    /// and waits for nothing.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The turn, to dispose.</returns>
    public virtual ValueTask<IDisposable> EnterWriteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<IDisposable>(NoTurn.Instance);

    /// <summary>Creates the outbox table and its indexes when they do not exist.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the schema exists.</returns>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, SchemaSql, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes an event in the caller's transaction: it is published if and only if the transaction commits.
    /// </summary>
    /// <param name="transaction">The open transaction of the change the event announces.</param>
    /// <param name="outboxEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the row is written (not yet committed).</returns>
    public async Task EnqueueAsync(DbTransaction transaction, OutboxEvent outboxEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(outboxEvent);
        ArgumentException.ThrowIfNullOrEmpty(outboxEvent.Topic);
        ArgumentException.ThrowIfNullOrEmpty(outboxEvent.EventId);
        var connection = transaction.Connection ?? throw new ArgumentException("The transaction has no connection.", nameof(transaction));

        // A span for the write, in the writer's trace: the event keeps its context, so the relay's publish continues it.
        using var activity = OutboxTelemetry.Source.HasListeners() ? OutboxTelemetry.Source.StartActivity($"outbox write {outboxEvent.Topic}", System.Diagnostics.ActivityKind.Internal) : null;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(ReliableKafka.Telemetry.ReliableKafkaTelemetry.TagTopic, outboxEvent.Topic);
            activity.SetTag("messaging.message.id", outboxEvent.EventId);
            activity.SetTag("reliablekafka.outbox.store", Kind);
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = EnqueueLockSql + """
            INSERT INTO rk_outbox (topic, message_key, message_value, headers, event_id, created_at, state, attempts, next_attempt_at, lease_until)
            VALUES (@topic, @key, @value, @headers, @event_id, @now, 0, 0, 0, 0)
            """;
        Add(command, "topic", outboxEvent.Topic);
        Add(command, "key", outboxEvent.Key);
        Add(command, "value", outboxEvent.Value);
        var headers = WithTraceContext(outboxEvent.Headers);
        Add(command, "headers", headers is { Count: > 0 } ? JsonSerializer.Serialize(headers) : null);
        Add(command, "event_id", outboxEvent.EventId);
        Add(command, "now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The event's headers plus the W3C trace context of the caller's current activity (the request that writes the
    /// event), unless the event carries its own: the relay's publish, and the consumer after it, continue that trace.
    /// </summary>
    private static IReadOnlyDictionary<string, string>? WithTraceContext(IReadOnlyDictionary<string, string>? headers)
    {
        if (System.Diagnostics.Activity.Current is not { IdFormat: System.Diagnostics.ActivityIdFormat.W3C, Id: { } id } current
            || headers?.ContainsKey(ReliableKafka.Telemetry.ReliableKafkaTelemetry.TraceParentHeader) == true)
        {
            return headers;
        }

        var traced = headers is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(headers, StringComparer.Ordinal);
        traced[ReliableKafka.Telemetry.ReliableKafkaTelemetry.TraceParentHeader] = id;
        if (current.TraceStateString is { Length: > 0 } state)
        {
            traced[ReliableKafka.Telemetry.ReliableKafkaTelemetry.TraceStateHeader] = state;
        }

        return traced;
    }

    /// <summary>
    /// How many events are pending and how old the oldest is; how many are dead, how many pending events wait behind a
    /// dead event of their key, and the first dead events (up to 10) with their reasons.
    /// </summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The backlog.</returns>
    public async Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken = default)
    {
        OutboxBacklog backlog;
        await using (var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT (SELECT COUNT(*) FROM rk_outbox WHERE state = 0),
                       (SELECT MIN(created_at) FROM rk_outbox WHERE state = 0),
                       (SELECT COUNT(*) FROM rk_outbox WHERE state = 2),
                       (SELECT COUNT(*) FROM rk_outbox w WHERE w.state = 0
                          AND EXISTS (SELECT 1 FROM rk_outbox d WHERE d.state = 2 AND d.topic = w.topic AND d.message_key = w.message_key AND d.id < w.id))
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            backlog = new OutboxBacklog(
                Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)),
                Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture))
            {
                Waiting = Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
            };
        }

        return backlog.Dead == 0 ? backlog : backlog with { DeadEvents = await GetDeadEventsAsync(10, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>The dead events, oldest first: each with its reason and how many events of its key wait behind it.</summary>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The dead events.</returns>
    public async Task<IReadOnlyList<DeadOutboxEvent>> GetDeadEventsAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.id, d.topic, d.message_key, d.event_id, d.last_error, d.attempts, d.created_at,
                   (SELECT COUNT(*) FROM rk_outbox w WHERE w.state = 0 AND w.topic = d.topic AND w.message_key = d.message_key AND w.id > d.id)
            FROM rk_outbox d WHERE d.state = 2 ORDER BY d.id LIMIT @max
            """;
        Add(command, "max", limit);
        var dead = new List<DeadOutboxEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            dead.Add(new DeadOutboxEvent(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? "" : reader.GetString(4),
                reader.GetInt32(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                Convert.ToInt64(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return dead;
    }

    /// <summary>
    /// Makes a dead event pending again, first of its key: the relay publishes it at once (the cause, such as a too
    /// small max.message.bytes, should be fixed first), and then the events of its key that waited behind it.
    /// </summary>
    /// <param name="id">The event's outbox id (<see cref="DeadOutboxEvent.Id"/>).</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>True when the event was dead and is now pending; false when no dead event has that id.</returns>
    public Task<bool> RetryDeadEventAsync(long id, CancellationToken cancellationToken = default) =>
        UpdateDeadAsync("UPDATE rk_outbox SET state = 0, attempts = 0, next_attempt_at = 0, lease_owner = NULL, lease_until = 0 WHERE id = @id AND state = 2", id, cancellationToken);

    /// <summary>
    /// Gives up on a dead event: it is never published from the outbox (it stays in the table as skipped, with its
    /// reason), and the events of its key that waited behind it go out. Replay its dead letter first if it must still
    /// reach the topic ahead of them.
    /// </summary>
    /// <param name="id">The event's outbox id (<see cref="DeadOutboxEvent.Id"/>).</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>True when the event was dead and is now skipped; false when no dead event has that id.</returns>
    public Task<bool> SkipDeadEventAsync(long id, CancellationToken cancellationToken = default) =>
        UpdateDeadAsync("UPDATE rk_outbox SET state = 3 WHERE id = @id AND state = 2", id, cancellationToken);

    private async Task<bool> UpdateDeadAsync(string sql, long id, CancellationToken cancellationToken)
    {
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Add(command, "id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>The DDL of the outbox table, in this database's dialect.</summary>
    protected abstract string SchemaSql { get; }

    /// <summary>
    /// The claim statement: leases up to @max publishable rows (pending, due, not leased, the oldest pending row of
    /// their key, and when @block_dead is 1 behind no dead row of their key) to @owner for @lease_ms milliseconds from
    /// <see cref="NowSql"/>, adds one attempt, and returns id, topic, message_key, message_value, headers, event_id,
    /// created_at, attempts.
    /// </summary>
    protected abstract string ClaimSql { get; }

    /// <summary>
    /// The SQL expression of "now" in Unix milliseconds for leases and retry times. The default, <c>@now</c>, is this
    /// process's clock (right for a single-process database); a server database uses its own clock, so that the
    /// leases of relays on machines whose clocks differ still exclude one another.
    /// </summary>
    protected virtual string NowSql => "@now";

    /// <summary>
    /// SQL run before the insert in <see cref="EnqueueAsync"/>, in the caller's transaction, with @topic and @key; empty
    /// by default. A database whose ids can commit out of order (a sequence shared by concurrent transactions) takes a
    /// per-key lock here until the transaction ends, so that of two transactions writing one key the later id always
    /// commits later.
    /// </summary>
    protected virtual string EnqueueLockSql => "";

    /// <summary>
    /// Optional set-based form of the sent update, taking arrays @ids, @partitions and @offsets (with @now and @owner);
    /// null when the database has no arrays (SQLite).
    /// </summary>
    protected virtual string? SentManySql => null;

    /// <summary>
    /// Leases up to <paramref name="max"/> publishable events to <paramref name="owner"/> (a token of one round), oldest
    /// first; with <paramref name="blockBehindDead"/> no event behind a dead event of its key.
    /// </summary>
    internal async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string owner, int max, TimeSpan lease, bool blockBehindDead, CancellationToken cancellationToken)
    {
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = ClaimSql;
        Add(command, "owner", owner);
        AddNow(command);
        Add(command, "lease_ms", (long)lease.TotalMilliseconds);
        Add(command, "block_dead", blockBehindDead ? 1 : 0);
        Add(command, "max", max);
        var claimed = new List<OutboxMessage>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claimed.Add(new OutboxMessage(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(4)),
                    reader.GetString(5),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                    reader.GetInt32(7)));
            }
        }

        claimed.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return claimed;
    }

    private const string SentSql = """
        UPDATE rk_outbox SET state = 1, sent_at = @now, sent_partition = @partition, sent_offset = @offset, lease_owner = NULL, lease_until = 0, last_error = NULL
        WHERE id = @id AND lease_owner = @owner
        """;

    private string RetrySql => $"""
        UPDATE rk_outbox SET next_attempt_at = {NowSql} + @delay_ms, last_error = @error, lease_owner = NULL, lease_until = 0
        WHERE id = @id AND lease_owner = @owner
        """;

    private const string DeadSql = """
        UPDATE rk_outbox SET state = 2, last_error = @error, lease_owner = NULL, lease_until = 0
        WHERE id = @id AND lease_owner = @owner
        """;

    /// <summary>Records what happened to claimed events, in one transaction: sent, retry later, or dead.</summary>
    internal async Task CompleteAsync(string owner, IReadOnlyList<OutboxCompletion> completions, CancellationToken cancellationToken)
    {
        if (completions.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (connection.CanCreateBatch)
        {
            // A server database (PostgreSQL): every update in one round trip instead of one per event.
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            var sentRows = SentManySql is null ? [] : completions.Where(static c => c.Outcome == OutboxOutcome.Sent).ToList();
            if (sentRows.Count > 0)
            {
                // The common case, set-based: one statement marks every delivered row of the round.
                var many = batch.CreateBatchCommand();
                many.CommandText = SentManySql!;
                Add(many, "now", now, "ids", sentRows.Select(static c => c.Id).ToArray(), "partitions", sentRows.Select(static c => c.Partition).ToArray(), "offsets", sentRows.Select(static c => c.Offset).ToArray(), "owner", owner);
                batch.BatchCommands.Add(many);
            }

            foreach (var completion in sentRows.Count > 0 ? completions.Where(static c => c.Outcome != OutboxOutcome.Sent) : completions)
            {
                var command = batch.CreateBatchCommand();
                switch (completion.Outcome)
                {
                    case OutboxOutcome.Sent:
                        command.CommandText = SentSql;
                        Add(command, "now", now, "partition", completion.Partition, "offset", completion.Offset, "id", completion.Id, "owner", owner);
                        break;
                    case OutboxOutcome.Retry:
                        command.CommandText = RetrySql;
                        Add(command, "now", now, "delay_ms", (long)completion.RetryAfter.TotalMilliseconds, "error", completion.Error, "id", completion.Id, "owner", owner);
                        break;
                    default:
                        command.CommandText = DeadSql;
                        Add(command, "error", completion.Error, "id", completion.Id, "owner", owner);
                        break;
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var sent = Prepare(connection, transaction, SentSql, "now", "partition", "offset", "id", "owner");
            await using var retry = Prepare(connection, transaction, RetrySql, "now", "delay_ms", "error", "id", "owner");
            await using var dead = Prepare(connection, transaction, DeadSql, "error", "id", "owner");
            foreach (var completion in completions)
            {
                var command = completion.Outcome switch
                {
                    OutboxOutcome.Sent => Bind(sent, now, completion.Partition, completion.Offset, completion.Id, owner),
                    OutboxOutcome.Retry => Bind(retry, now, (long)completion.RetryAfter.TotalMilliseconds, completion.Error, completion.Id, owner),
                    _ => Bind(dead, completion.Error, completion.Id, owner),
                };
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives back the leases of every round of the relay instance <paramref name="instance"/> (tokens
    /// "instance#round"; all leases when null), so those rows are claimable at once.
    /// </summary>
    internal async Task<int> ReleaseLeasesAsync(string? instance, CancellationToken cancellationToken)
    {
        using var turn = await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = instance is null
            ? "UPDATE rk_outbox SET lease_owner = NULL, lease_until = 0 WHERE state = 0 AND lease_owner IS NOT NULL"
            : "UPDATE rk_outbox SET lease_owner = NULL, lease_until = 0 WHERE state = 0 AND substr(lease_owner, 1, @prefix_length) = @prefix";
        if (instance is not null)
        {
            Add(command, "prefix", LeasePrefix(instance));
            Add(command, "prefix_length", LeasePrefix(instance).Length);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lease token of one round of the relay instance <paramref name="instance"/>: unique per round.</summary>
    internal static string LeaseToken(string instance) => LeasePrefix(instance) + Guid.NewGuid().ToString("N");

    private static string LeasePrefix(string instance) => instance + "#";

    private void AddNow(DbCommand command)
    {
        if (NowSql == "@now")
        {
            Add(command, "now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    /// <summary>True when only one process can use the store at a time (SQLite): every lease is then this process's to release at start.</summary>
    protected internal abstract bool IsSingleProcess { get; }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static DbCommand Bind(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command;
    }

    private static void Add(DbBatchCommand command, params object?[] namesAndValues)
    {
        for (var i = 0; i < namesAndValues.Length; i += 2)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = (string)namesAndValues[i]!;
            parameter.Value = namesAndValues[i + 1] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>The write turn of a store that needs none.</summary>
internal sealed class NoTurn : IDisposable
{
    public static readonly NoTurn Instance = new();

    public void Dispose()
    {
        // Nothing was taken.
    }
}

/// <summary>One claimed outbox row.</summary>
internal sealed record OutboxMessage(long Id, string Topic, string Key, string Value, IReadOnlyDictionary<string, string>? Headers, string EventId, DateTimeOffset CreatedAt, int Attempts);

/// <summary>What became of a claimed row.</summary>
internal enum OutboxOutcome
{
    Sent,
    Retry,
    Dead,
}

/// <summary>The result the relay records for one claimed row.</summary>
internal readonly record struct OutboxCompletion(long Id, OutboxOutcome Outcome, int Partition = -1, long Offset = -1, TimeSpan RetryAfter = default, string? Error = null);
