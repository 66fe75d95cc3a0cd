namespace ReliableKafka.Audit.Scenarios;

/// <summary>
/// Every broker in turn is stopped, started again, and waited for until all replicas are in sync (kafkatest's bounces).
/// On the simulator a stop is a crash; through a command hook it is the hook's "stop".
/// </summary>
internal sealed class RollingRestartScenario : AuditScenario
{
    private static readonly TimeSpan Down = TimeSpan.FromMilliseconds(500);

    public override string Id => ScenarioIds.RollingRestart;

    public override string Description => "each broker in turn is stopped for 0.5 s, started, and waited for until every replica is in sync";

    public override FaultCapabilities Needs => FaultCapabilities.StopStart | FaultCapabilities.Describe;

    public override async Task RunAsync(ScenarioContext context)
    {
        foreach (var broker in await context.Faults.BrokerIdsAsync(context.CancellationToken).ConfigureAwait(false))
        {
            await context.Faults.ShutdownBrokerAsync(broker, context.CancellationToken).ConfigureAwait(false);
            context.Note($"stopped broker {broker}");
            await context.DelayAsync(Down).ConfigureAwait(false);
            await context.Faults.StartBrokerAsync(broker, context.CancellationToken).ConfigureAwait(false);
            context.Note($"started broker {broker}");
            await context.WaitForFullIsrAsync().ConfigureAwait(false);
        }

        context.Note("every broker restarted");
    }
}
