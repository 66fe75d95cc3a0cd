using System.Data.Common;
using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ReliableKafka;
using TaskApi.Data;
using TaskApi.Hosting;

namespace TaskApi.Observability;

/// <summary>The database answers a query.</summary>
public sealed class DatabaseHealthCheck(TaskDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = DbCommands.Create(connection, null, "SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy(database.Description);
        }
        catch (DbException e)
        {
            return HealthCheckResult.Unhealthy($"{database.Description}: {e.Message}");
        }
    }
}

/// <summary>
/// A broker answers a metadata request within the timeout. Degraded, not unhealthy, when none does: tasks are still
/// accepted and their events wait in the outbox.
/// </summary>
public sealed class KafkaHealthCheck : IHealthCheck, IDisposable
{
    private readonly Lazy<IAdminClient> _admin;
    private readonly TaskApiOptions _options;

    public KafkaHealthCheck(IOptions<ReliableKafkaOptions> kafka, IOptions<TaskApiOptions> options)
    {
        _options = options.Value;
        var config = new AdminClientConfig { BootstrapServers = kafka.Value.BootstrapServers, SocketTimeoutMs = 2000 };
        foreach (var (key, value) in kafka.Value.Settings)
        {
            if (value is not null && (key.StartsWith("security.", StringComparison.Ordinal) || key.StartsWith("sasl.", StringComparison.Ordinal) || key.StartsWith("ssl.", StringComparison.Ordinal)))
            {
                config.Set(key, value);
            }
        }

        _admin = new Lazy<IAdminClient>(() => new AdminClientBuilder(config).SetLogHandler(static (_, _) => { }).Build());
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = _options.Health.KafkaTimeout;
        try
        {
            var metadata = await Task.Run(() => _admin.Value.GetMetadata(_options.Topics.TaskEvents, timeout), cancellationToken).WaitAsync(timeout + TimeSpan.FromSeconds(1), cancellationToken);
            var topic = metadata.Topics.FirstOrDefault();
            var data = new Dictionary<string, object>
            {
                ["brokers"] = metadata.Brokers.Count,
                ["topic"] = _options.Topics.TaskEvents,
                ["partitions"] = topic?.Partitions.Count ?? 0,
                ["partitionsWithoutLeader"] = topic?.Partitions.Count(static p => p.Leader < 0) ?? 0,
            };
            return metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} brokers reachable", data)
                : HealthCheckResult.Degraded("no broker reachable; events wait in the outbox", data: data);
        }
        catch (Exception e) when (e is KafkaException or TimeoutException)
        {
            return HealthCheckResult.Degraded($"no broker reachable within {timeout.TotalSeconds:0.#} s ({e.Message}); events wait in the outbox");
        }
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}

/// <summary>One dead outbox event as /health shows it.</summary>
public sealed record DeadEventHealth(long OutboxId, string Topic, string Key, string EventId, string Reason, long Waiting);

/// <summary>
/// The outbox backlog: pending count and the oldest pending event's age against the thresholds; Degraded while any event
/// is dead (it holds back its key), naming it and what resolves it.
/// </summary>
public sealed class OutboxHealthCheck(TaskDatabase database, IOptions<TaskApiOptions> options, TimeProvider time) : IHealthCheck
{
    /// <summary>How many dead events the description names (data.deadEvents has up to 10; rk outbox list has them all).</summary>
    private const int DescribedDeadEvents = 3;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var thresholds = options.Value.Health;
        ReliableKafka.Outbox.OutboxBacklog backlog;
        try
        {
            backlog = await database.Outbox.GetBacklogAsync(cancellationToken);
        }
        catch (DbException e)
        {
            return HealthCheckResult.Unhealthy($"the outbox could not be read: {e.Message}");
        }

        var now = time.GetUtcNow();
        TaskApiTelemetry.Observe(backlog, now);
        var age = backlog.OldestAge(now);
        var data = new Dictionary<string, object>
        {
            ["pending"] = backlog.Pending,
            ["oldestPendingAgeSeconds"] = Math.Round(age.TotalSeconds, 3),
            ["dead"] = backlog.Dead,
            ["waiting"] = backlog.Waiting,
        };
        var description = $"{backlog.Pending} pending, oldest {age.TotalSeconds:0.###} s, {backlog.Dead} dead";
        if (backlog.DeadEvents.Count > 0)
        {
            // A dead event holds back the later events of its key: name each, and what resolves it.
            data["deadEvents"] = backlog.DeadEvents.Select(static d => new DeadEventHealth(d.Id, d.Topic, d.Key, d.EventId, d.Reason, d.Waiting)).ToArray();
            var named = backlog.DeadEvents.Take(DescribedDeadEvents).ToList();
            var more = backlog.Dead - named.Count;
            description += "; " + string.Join("; ", named.Select(static d => $"key {d.Key} of {d.Topic} is held by dead event {d.EventId} (outbox id {d.Id}: {d.Reason}), {d.Waiting} waiting behind it"))
                + (more > 0 ? $"; {more} more dead" : "")
                + $"; rk outbox list shows every dead event; fix the cause, then rk outbox retry {named[0].Id}, or give the event up with rk outbox skip {named[0].Id}";
        }

        if (backlog.Pending >= thresholds.OutboxPendingUnhealthy || age >= thresholds.OutboxAgeUnhealthy)
        {
            return HealthCheckResult.Unhealthy($"{description} (unhealthy from {thresholds.OutboxPendingUnhealthy} pending or {thresholds.OutboxAgeUnhealthy.TotalSeconds:0} s)", data: data);
        }

        if (backlog.Pending >= thresholds.OutboxPendingDegraded || age >= thresholds.OutboxAgeDegraded || backlog.Dead > 0)
        {
            return HealthCheckResult.Degraded($"{description} (degraded from {thresholds.OutboxPendingDegraded} pending, {thresholds.OutboxAgeDegraded.TotalSeconds:0} s, or one dead event)", data: data);
        }

        return HealthCheckResult.Healthy(description, data);
    }
}
