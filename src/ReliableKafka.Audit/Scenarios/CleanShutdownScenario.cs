namespace ReliableKafka.Audit.Scenarios;

/// <summary>
/// The leader of partition 0 shuts down cleanly (leadership moved to in-sync followers first), stays down for two
/// seconds and starts again (kafkatest's clean_shutdown).
/// </summary>
internal sealed class CleanShutdownScenario : AuditScenario
{
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(2);

    public override string Id => ScenarioIds.CleanShutdown;

    public override string Description => "the leader of partition 0 shuts down cleanly, and starts again 2 s later";

    public override FaultCapabilities Needs => FaultCapabilities.CleanShutdown | FaultCapabilities.StopStart | FaultCapabilities.Describe;

    public override async Task RunAsync(ScenarioContext context)
    {
        var leader = (await context.DescribeAsync(0).ConfigureAwait(false)).Leader;
        await context.Faults.CleanShutdownBrokerAsync(leader, context.CancellationToken).ConfigureAwait(false);
        context.Note($"shut down broker {leader} cleanly, the leader of partition 0");
        await context.DelayAsync(Down).ConfigureAwait(false);
        await context.Faults.StartBrokerAsync(leader, context.CancellationToken).ConfigureAwait(false);
        context.Note($"started broker {leader}");
        if (await context.WaitForFullIsrAsync().ConfigureAwait(false))
        {
            context.Note("every replica back in sync");
        }
    }
}
