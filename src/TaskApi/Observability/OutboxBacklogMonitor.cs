using System.Data.Common;
using TaskApi.Data;

namespace TaskApi.Observability;

/// <summary>Reads the outbox backlog every few seconds for the gauges (the health check reads it fresh).</summary>
public sealed partial class OutboxBacklogMonitor(TaskDatabase database, TimeProvider time, ILogger<OutboxBacklogMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                TaskApiTelemetry.Observe(await database.Outbox.GetBacklogAsync(stoppingToken), time.GetUtcNow());
            }
            catch (DbException e)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(501, LogLevel.Warning, "Reading the outbox backlog failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
