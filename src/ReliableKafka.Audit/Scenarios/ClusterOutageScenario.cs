using System.Globalization;

namespace ReliableKafka.Audit.Scenarios;

/// <summary>
/// Every broker stops, and stays down for the producer's delivery timeout plus 1.5 s, so messages sent meanwhile
/// expire; then all start again and the producer carries on.
/// </summary>
internal sealed class ClusterOutageScenario : AuditScenario
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1.5);

    public override string Id => ScenarioIds.ClusterOutage;

    public override string Description => "every broker stops for longer than the delivery timeout (+1.5 s), then all start again";

    public override FaultCapabilities Needs => FaultCapabilities.StopStart | FaultCapabilities.Describe;

    public override async Task RunAsync(ScenarioContext context)
    {
        var brokers = await context.Faults.BrokerIdsAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var broker in brokers)
        {
            await context.Faults.ShutdownBrokerAsync(broker, context.CancellationToken).ConfigureAwait(false);
        }

        var down = context.DeliveryTimeout + Margin;
        context.Note(string.Create(CultureInfo.InvariantCulture, $"stopped every broker for {down.TotalSeconds:0.#} s (delivery timeout {context.DeliveryTimeout.TotalSeconds:0.#} s)"));
        await context.DelayAsync(down).ConfigureAwait(false);
        foreach (var broker in brokers)
        {
            await context.Faults.StartBrokerAsync(broker, context.CancellationToken).ConfigureAwait(false);
        }

        context.Note("started every broker");
        if (await context.WaitForFullIsrAsync().ConfigureAwait(false))
        {
            context.Note("every replica back in sync");
        }
    }
}
