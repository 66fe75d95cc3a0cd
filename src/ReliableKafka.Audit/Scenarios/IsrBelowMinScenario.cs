namespace ReliableKafka.Audit.Scenarios;

/// <summary>
/// Both followers of every partition stop copying, so the ISR shrinks to the leader alone, below
/// min.insync.replicas 2: acks=all sends are refused (NOT_ENOUGH_REPLICAS) while acks=0 and 1 go on. After a second
/// in that state the followers resume and rejoin.
/// </summary>
internal sealed class IsrBelowMinScenario : AuditScenario
{
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(1);

    public override string Id => ScenarioIds.IsrBelowMin;

    public override string Description => "followers stop until the ISR is below min.insync.replicas, 1 s in that state, then they resume";

    public override FaultCapabilities Needs => FaultCapabilities.FollowerLag | FaultCapabilities.Describe;

    public override async Task RunAsync(ScenarioContext context)
    {
        var stopped = new List<(int Partition, int Broker)>();
        for (var p = 0; p < context.Partitions; p++)
        {
            var layout = await context.DescribeAsync(p).ConfigureAwait(false);
            foreach (var follower in layout.Replicas.Where(r => r != layout.Leader))
            {
                await context.Faults.SetFollowerStoppedAsync(context.Topic, p, follower, stopped: true, context.CancellationToken).ConfigureAwait(false);
                stopped.Add((p, follower));
            }
        }

        context.Note("every follower stopped copying");
        var shrunk = await context.WaitUntilAsync(
            async () =>
            {
                for (var p = 0; p < context.Partitions; p++)
                {
                    if ((await context.DescribeAsync(p).ConfigureAwait(false)).Isr.Count > 1)
                    {
                        return false;
                    }
                }

                return true;
            },
            context.RecoveryTimeout,
            "every ISR to shrink to its leader").ConfigureAwait(false);
        if (shrunk)
        {
            context.Note("every ISR is the leader alone, below min.insync.replicas");
        }

        await context.DelayAsync(Hold).ConfigureAwait(false);
        foreach (var (partition, follower) in stopped)
        {
            await context.Faults.SetFollowerStoppedAsync(context.Topic, partition, follower, stopped: false, context.CancellationToken).ConfigureAwait(false);
        }

        context.Note("followers resumed");
        if (await context.WaitForFullIsrAsync().ConfigureAwait(false))
        {
            context.Note("every replica back in sync");
        }
    }
}
