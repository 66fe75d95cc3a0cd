using ReliableKafka.Audit.Scenarios;

namespace ReliableKafka.Audit.Targets;

/// <summary>
/// Where the runs of one audit go, and what follows from it: which scenarios can run, how many runs at once, and
/// the cluster each run writes to.
/// </summary>
internal interface IAuditTargets : IDisposable
{
    /// <summary>How many runs may go at once.</summary>
    int Parallelism { get; }

    /// <summary>Why <paramref name="scenario"/> cannot run here, or null when it can.</summary>
    string? SkipReason(AuditScenario scenario);

    /// <summary>The cluster for one run; the run disposes it.</summary>
    IAuditTarget Create();
}

/// <summary>A fresh simulated cluster per run, several runs at once.</summary>
internal sealed class SimulatorTargets(int parallelism) : IAuditTargets
{
    public int Parallelism => parallelism;

    public string? SkipReason(AuditScenario scenario) => scenario.SkipReason(SimulatedClusterFaults.SupportedCapabilities, "simulator");

    public IAuditTarget Create() => new SimulatorTarget();

    public void Dispose()
    {
    }
}

/// <summary>One real cluster shared by the runs, one run at a time, with faults from the options or a command hook.</summary>
internal sealed class ClusterTargets : IAuditTargets
{
    private readonly string _bootstrapServers;
    private readonly IClusterFaults _faults;
    private readonly IDisposable? _owned;

    public ClusterTargets(AuditOptions options)
    {
        _bootstrapServers = options.BootstrapServers!;
        if (options.Faults is { } faults)
        {
            _faults = faults;
        }
        else
        {
            var hook = new CommandHookFaults(options.FaultCommand!, _bootstrapServers);
            (_faults, _owned) = (hook, hook);
        }
    }

    public int Parallelism => 1;

    public string? SkipReason(AuditScenario scenario) => scenario.SkipReason(_faults.Capabilities, _faults.Kind);

    public IAuditTarget Create() => new ClusterTarget(_bootstrapServers, _faults);

    public void Dispose() => _owned?.Dispose();
}
