namespace ReliableKafka.Audit.Scenarios;

/// <summary>
/// The network between the producer (its client.id) and the leader of partition 0 is cut for two seconds, longer
/// than the socket timeout, then restored. The brokers keep running.
/// </summary>
internal sealed class NetworkCutScenario : AuditScenario
{
    private static readonly TimeSpan Cut = TimeSpan.FromSeconds(2);

    public override string Id => ScenarioIds.NetworkCut;

    public override string Description => "the network between the producer and the leader of partition 0 is cut for 2 s";

    public override FaultCapabilities Needs => FaultCapabilities.NetworkCut | FaultCapabilities.Describe;

    public override async Task RunAsync(ScenarioContext context)
    {
        var leader = (await context.DescribeAsync(0).ConfigureAwait(false)).Leader;
        await context.Faults.SetNetworkCutAsync(context.ClientId, leader, cut: true, context.CancellationToken).ConfigureAwait(false);
        context.Note($"cut the network between {context.ClientId} and broker {leader}");
        await context.DelayAsync(Cut).ConfigureAwait(false);
        await context.Faults.SetNetworkCutAsync(context.ClientId, leader, cut: false, context.CancellationToken).ConfigureAwait(false);
        context.Note($"restored the network between {context.ClientId} and broker {leader}");
    }
}
