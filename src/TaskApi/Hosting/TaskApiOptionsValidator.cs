using Microsoft.Extensions.Options;

namespace TaskApi.Hosting;

/// <summary>Checks <see cref="TaskApiOptions"/> once, at start-up, and lists every problem.</summary>
internal sealed class TaskApiOptionsValidator : IValidateOptions<TaskApiOptions>
{
    public ValidateOptionsResult Validate(string? name, TaskApiOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("TaskApi:DataDirectory is empty. Fix: set a directory for the SQLite files and the dead-letter spill (the default is 'data').");
        }

        if (options.DatabaseProvider is not ("auto" or "sqlite" or "postgresql"))
        {
            failures.Add($"TaskApi:DatabaseProvider is '{options.DatabaseProvider}'. Fix: use auto, sqlite or postgresql.");
        }

        if (options.SqliteSynchronous is not ("FULL" or "NORMAL" or "EXTRA"))
        {
            failures.Add($"TaskApi:SqliteSynchronous is '{options.SqliteSynchronous}'. Fix: use FULL, NORMAL or EXTRA.");
        }

        if (options.MaxRequestBodyBytes < 16 * 1024)
        {
            failures.Add($"TaskApi:MaxRequestBodyBytes is {options.MaxRequestBodyBytes}. Fix: allow at least 16384 bytes, enough for a 4,000-character description.");
        }

        if (options.WriteBatchSize is < 1 or > 10_000)
        {
            failures.Add($"TaskApi:WriteBatchSize is {options.WriteBatchSize}. Fix: use 1 to 10000.");
        }

        foreach (var (key, topic) in new[] { ("TaskEvents", options.Topics.TaskEvents), ("Analytics", options.Topics.Analytics), ("Metrics", options.Topics.Metrics) })
        {
            if (string.IsNullOrWhiteSpace(topic))
            {
                failures.Add($"TaskApi:Topics:{key} is empty. Fix: name the topic.");
            }
        }

        if (options.Notifications.Enabled && string.IsNullOrWhiteSpace(options.Notifications.GroupId))
        {
            failures.Add("TaskApi:Notifications:GroupId is empty. Fix: name the consumer group, or set Notifications:Enabled=false.");
        }

        var health = options.Health;
        if (health.OutboxPendingDegraded < 1 || health.OutboxPendingUnhealthy < health.OutboxPendingDegraded)
        {
            failures.Add($"TaskApi:Health outbox pending thresholds are {health.OutboxPendingDegraded} and {health.OutboxPendingUnhealthy}. Fix: Degraded at least 1 and Unhealthy at least Degraded.");
        }

        if (health.OutboxAgeDegraded <= TimeSpan.Zero || health.OutboxAgeUnhealthy < health.OutboxAgeDegraded)
        {
            failures.Add($"TaskApi:Health outbox age thresholds are {health.OutboxAgeDegraded} and {health.OutboxAgeUnhealthy}. Fix: Degraded positive and Unhealthy at least Degraded.");
        }

        if (health.KafkaTimeout <= TimeSpan.Zero)
        {
            failures.Add($"TaskApi:Health:KafkaTimeout is {health.KafkaTimeout}. Fix: a positive time span such as 00:00:02.");
        }

        if (options.Simulator.FirstPort is < 0 or > 65530)
        {
            failures.Add($"TaskApi:Simulator:FirstPort is {options.Simulator.FirstPort}. Fix: 0 (free ports) or a port below 65531.");
        }

        if (options.Simulator.ControlPort is < 0 or > 65535)
        {
            failures.Add($"TaskApi:Simulator:ControlPort is {options.Simulator.ControlPort}. Fix: 0 (a free port) or a port up to 65535.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
