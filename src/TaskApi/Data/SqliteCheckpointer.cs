using System.Data.Common;

namespace TaskApi.Data;

/// <summary>
/// With SQLite, copies the write-ahead log into the database file in the background (a PASSIVE checkpoint, which
/// never blocks writers) instead of inside a request's commit: the task writer's connections turn SQLite's automatic
/// checkpoint off, so no POST waits for a checkpoint's writes and fsync.
/// </summary>
public sealed partial class SqliteCheckpointer(TaskDatabase database, TimeProvider time, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>How often the log is checkpointed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Turns the automatic checkpoint off on a connection of the request path.</summary>
    public static async Task DisableAutomaticCheckpointAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = DbCommands.Create(connection, null, "PRAGMA wal_autocheckpoint = 0");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Kind != "sqlite")
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var connection = await database.OpenAsync(stoppingToken);
                await using var command = DbCommands.Create(connection, null, "PRAGMA wal_checkpoint(PASSIVE)");
                await command.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (DbException e)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(801, LogLevel.Warning, "SQLite checkpoint failed; the next one retries")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
