using System.Data.Common;

namespace ReliableKafka.Consuming;

/// <summary>
/// The processed-event table of an idempotent consumer, in SQLite or PostgreSQL: one row per (consumer, event id),
/// written in the same transaction as the consumer's effect, so an event delivered twice takes effect once.
/// </summary>
public static class ProcessedEvents
{
    /// <summary>Creates the table when it does not exist (the same SQL works in SQLite and PostgreSQL).</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the table exists.</returns>
    public static async Task EnsureCreatedAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS rk_processed_events (
                consumer TEXT NOT NULL,
                event_id TEXT NOT NULL,
                processed_at BIGINT NOT NULL,
                PRIMARY KEY (consumer, event_id)
            )
            """;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records that <paramref name="consumer"/> processes <paramref name="eventId"/>, in <paramref name="transaction"/>.
    /// Returns false when it already did: then skip the effect. Commit the transaction after the effect.
    /// </summary>
    /// <param name="transaction">The transaction that will also hold the effect.</param>
    /// <param name="consumer">The consumer's name (several consumers may process the same event once each).</param>
    /// <param name="eventId">The event's id.</param>
    /// <param name="at">When; stored for inspection and cleanup.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True the first time, false for a duplicate.</returns>
    public static async Task<bool> TryMarkAsync(DbTransaction transaction, string consumer, string eventId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var connection = transaction.Connection ?? throw new ArgumentException("The transaction has no connection.", nameof(transaction));
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO rk_processed_events (consumer, event_id, processed_at) VALUES (@consumer, @event_id, @at)
            ON CONFLICT (consumer, event_id) DO NOTHING
            """;
        Add(command, "consumer", consumer);
        Add(command, "event_id", eventId);
        Add(command, "at", at.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
