namespace ReliableKafka.Audit.Scenarios;

/// <summary>
/// Every leader drops the responses to its next two Produce requests after appending them: the client times out and
/// retries batches that are already in the log (a network that drops the acknowledgement before it reaches the producer).
/// </summary>
internal sealed class LostAcksScenario : AuditScenario
{
    private const int DroppedPerBroker = 2;

    /// <summary>With acks=0 there is no response to drop: give up after this long.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(3);

    public override string Id => ScenarioIds.LostAcks;

    public override string Description => "Produce responses dropped after the append (2 per leader); the client times out and retries";

    public override FaultCapabilities Needs => FaultCapabilities.DropProduceResponses | FaultCapabilities.Describe;

    public override async Task RunAsync(ScenarioContext context)
    {
        var leaders = new SortedSet<int>();
        for (var p = 0; p < context.Partitions; p++)
        {
            leaders.Add((await context.DescribeAsync(p).ConfigureAwait(false)).Leader);
        }

        leaders.Remove(-1);
        foreach (var leader in leaders)
        {
            await context.Faults.DropProduceResponsesAsync(leader, DroppedPerBroker, context.CancellationToken).ConfigureAwait(false);
        }

        context.Note($"dropping the next {DroppedPerBroker} Produce responses of brokers {string.Join(", ", leaders)}");
        var consumed = await context.WaitUntilAsync(
            () => Task.FromResult(leaders.All(l => context.Faults.PendingDroppedResponses(l) == 0)),
            MaxWait,
            "the dropped responses to be used up (acks=0 gets no responses)").ConfigureAwait(false);
        // Drops left over (acks=0 gets no responses) end when the run heals the cluster.
        if (consumed)
        {
            context.Note("every planned response was dropped");
        }
    }
}
