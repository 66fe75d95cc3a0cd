namespace ReliableKafka.Audit.Scenarios;

/// <summary>
/// The followers of partition 0's leader stop copying for a moment (less than replica.lag.time.max.ms, so they stay in
/// the ISR), then the leader crashes: a follower that lacks the newest records is elected. The old leader comes back,
/// truncates and catches up (kafkatest's hard_shutdown, with lagging followers).
/// </summary>
internal sealed class LeaderCrashScenario : AuditScenario
{
    private static readonly TimeSpan LagWindow = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(1);

    public override string Id => ScenarioIds.LeaderCrash;

    public override string Description => "followers stop copying for 400 ms, then the leader of partition 0 crashes; it restarts a second later";

    public override FaultCapabilities Needs => FaultCapabilities.Crash | FaultCapabilities.FollowerLag | FaultCapabilities.Describe;

    public override async Task RunAsync(ScenarioContext context)
    {
        var leader = (await context.DescribeAsync(0).ConfigureAwait(false)).Leader;
        var stopped = new List<(int Partition, int Broker)>();
        for (var p = 0; p < context.Partitions; p++)
        {
            var layout = await context.DescribeAsync(p).ConfigureAwait(false);
            if (layout.Leader != leader)
            {
                continue;
            }

            foreach (var follower in layout.Replicas.Where(r => r != leader))
            {
                await context.Faults.SetFollowerStoppedAsync(context.Topic, p, follower, stopped: true, context.CancellationToken).ConfigureAwait(false);
                stopped.Add((p, follower));
            }
        }

        context.Note($"followers of broker {leader} stopped copying ({string.Join(", ", stopped.Select(static s => $"broker {s.Broker} on partition {s.Partition}"))})");
        await context.DelayAsync(LagWindow).ConfigureAwait(false);

        // Where the cluster shows log end offsets (the simulator), the crash waits until the leader holds records its
        // followers lack: on a loaded machine the window alone may pass before the producer sent any.
        if ((await context.DescribeAsync(0).ConfigureAwait(false)).LogEndOffsets is not null)
        {
            await context.WaitUntilAsync(
                async () => (await context.DescribeAsync(0).ConfigureAwait(false)) is { LogEndOffsets: { } ends } layout
                    && ends.TryGetValue(leader, out var end) && layout.Replicas.Where(r => r != leader).All(r => ends.GetValueOrDefault(r) < end),
                context.RecoveryTimeout,
                "the leader to hold records its stopped followers lack").ConfigureAwait(false);
        }

        await context.Faults.CrashBrokerAsync(leader, context.CancellationToken).ConfigureAwait(false);
        context.Note($"crashed broker {leader}, the leader of partition 0");
        foreach (var (partition, follower) in stopped)
        {
            await context.Faults.SetFollowerStoppedAsync(context.Topic, partition, follower, stopped: false, context.CancellationToken).ConfigureAwait(false);
        }

        var layoutAfter = await context.DescribeAsync(0).ConfigureAwait(false);
        context.Note($"followers resumed; partition 0 is led by broker {layoutAfter.Leader}");
        await context.DelayAsync(Down).ConfigureAwait(false);
        await context.Faults.StartBrokerAsync(leader, context.CancellationToken).ConfigureAwait(false);
        context.Note($"restarted broker {leader}");
        if (await context.WaitForFullIsrAsync().ConfigureAwait(false))
        {
            context.Note("every replica back in sync");
        }
    }
}
