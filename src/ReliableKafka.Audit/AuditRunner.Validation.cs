using ReliableKafka.Audit.Scenarios;

namespace ReliableKafka.Audit;

/// <summary>The checks of the options, all at once.</summary>
public sealed partial class AuditRunner
{
    /// <summary>Every problem with the options, in words; empty when they are consistent.</summary>
    private static List<string> Problems(AuditOptions options, IReadOnlyList<string> scenarios, IReadOnlyList<AuditConfiguration> configurations, bool simulator, string runId)
    {
        var problems = new List<string>();
        problems.AddRange(scenarios.Where(static s => !ScenarioCatalog.Exists(s)).Select(static s => $"Unknown scenario '{s}'; use one of {string.Join(", ", ScenarioIds.All)}."));
        problems.AddRange(configurations.GroupBy(static c => c.Id, StringComparer.OrdinalIgnoreCase).Where(static g => g.Count() > 1).Select(static g => $"Two configurations have the id '{g.Key}'."));
        if (scenarios.Count == 0 || configurations.Count == 0)
        {
            problems.Add("The audit needs at least one scenario and one configuration.");
        }

        if (!simulator && options.FaultCommand is null && options.Faults is null)
        {
            problems.Add("A real cluster (BootstrapServers) needs a FaultCommand such as \"./kafka-fault.sh {action} {broker}\".");
        }

        if (simulator && (options.FaultCommand is not null || options.Faults is not null))
        {
            problems.Add("FaultCommand and Faults apply to a real cluster: set BootstrapServers too.");
        }

        if (options.FaultCommand is { } command && (!command.Contains("{action}", StringComparison.Ordinal) || !command.Contains("{broker}", StringComparison.Ordinal)))
        {
            problems.Add($"The fault command must contain {{action}} and {{broker}}; got \"{command}\".");
        }

        if (options.MessagesPerSecond is <= 0 or > 100_000)
        {
            problems.Add($"MessagesPerSecond must be between 1 and 100000, not {options.MessagesPerSecond}.");
        }

        if (options.Keys < 1)
        {
            problems.Add($"Keys must be at least 1, not {options.Keys}.");
        }

        if (options.Parallelism < 1)
        {
            problems.Add($"Parallelism must be at least 1, not {options.Parallelism}.");
        }

        if (runId.Any(static c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_') || runId.Length > 40)
        {
            problems.Add($"RunId '{runId}' may hold only letters, digits, '-' and '_' (at most 40).");
        }

        return problems;
    }
}
