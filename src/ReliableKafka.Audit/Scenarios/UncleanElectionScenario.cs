namespace ReliableKafka.Audit.Scenarios;

/// <summary>
/// With unclean.leader.election.enable=true on the topic: one follower of partition 0 stops copying and drops out of
/// the ISR while acks=all traffic goes on (acknowledged by the leader and the other follower); then that other
/// follower and the leader crash, so the lagging follower is elected uncleanly. When the two come back they truncate
/// to the new leader's log: records they had acknowledged are gone.
/// </summary>
internal sealed class UncleanElectionScenario : AuditScenario
{
    private static readonly TimeSpan Behind = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Down = TimeSpan.FromMilliseconds(500);

    public override string Id => ScenarioIds.UncleanElection;

    public override string Description => "a follower of partition 0 falls out of the ISR, the other replicas crash, and it is elected uncleanly";

    public override FaultCapabilities Needs => FaultCapabilities.Crash | FaultCapabilities.FollowerLag | FaultCapabilities.Describe | FaultCapabilities.UncleanElection;

    public override bool UncleanLeaderElection => true;

    public override async Task RunAsync(ScenarioContext context)
    {
        var layout = await context.DescribeAsync(0).ConfigureAwait(false);
        var leader = layout.Leader;
        var followers = layout.Replicas.Where(r => r != leader).ToList();
        var (lagging, other) = (followers[0], followers[1]);
        await context.Faults.SetFollowerStoppedAsync(context.Topic, 0, lagging, stopped: true, context.CancellationToken).ConfigureAwait(false);
        context.Note($"broker {lagging} stopped copying partition 0");
        var dropped = await context.WaitUntilAsync(
            async () => !(await context.DescribeAsync(0).ConfigureAwait(false)).Isr.Contains(lagging),
            context.RecoveryTimeout,
            $"broker {lagging} to leave the ISR of partition 0").ConfigureAwait(false);
        if (dropped)
        {
            context.Note($"broker {lagging} left the ISR of partition 0");
        }

        await context.DelayAsync(Behind).ConfigureAwait(false);
        await context.Faults.CrashBrokerAsync(other, context.CancellationToken).ConfigureAwait(false);
        await context.Faults.CrashBrokerAsync(leader, context.CancellationToken).ConfigureAwait(false);
        var elected = await context.DescribeAsync(0).ConfigureAwait(false);
        context.Note($"crashed brokers {other} and {leader}; partition 0 is led by broker {elected.Leader} (ISR {string.Join(",", elected.Isr)})");
        await context.Faults.SetFollowerStoppedAsync(context.Topic, 0, lagging, stopped: false, context.CancellationToken).ConfigureAwait(false);
        await context.DelayAsync(Down).ConfigureAwait(false);
        await context.Faults.StartBrokerAsync(other, context.CancellationToken).ConfigureAwait(false);
        await context.Faults.StartBrokerAsync(leader, context.CancellationToken).ConfigureAwait(false);
        context.Note($"restarted brokers {other} and {leader}");
        if (await context.WaitForFullIsrAsync().ConfigureAwait(false))
        {
            context.Note("every replica back in sync");
        }
    }
}
