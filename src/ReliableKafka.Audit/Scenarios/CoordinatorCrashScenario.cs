using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Audit.Scenarios;

/// <summary>
/// The transaction coordinator crashes in the middle of a commit: it has decided a transaction (its producer was told
/// it committed) but has written none of its markers; the transactional id moves to a live broker, whose coordinator
/// must finish the commit. Until it does, read_committed consumers see nothing of the transaction.
/// </summary>
internal sealed class CoordinatorCrashScenario : AuditScenario
{
    public override string Id => ScenarioIds.CoordinatorCrash;

    public override string Description => "the transaction coordinator crashes after deciding a commit and before writing its markers; another takes over";

    public override FaultCapabilities Needs => FaultCapabilities.HoldTransactionMarkers | FaultCapabilities.Crash | FaultCapabilities.StopStart;

    public override bool NeedsTransactions => true;

    public override async Task RunAsync(ScenarioContext context)
    {
        var transactionalId = context.TransactionalId!;

        // The producer's first transaction completes before the hold: it is initialised and known to its coordinator.
        await context.WaitUntilAsync(
            () => Task.FromResult(context.Faults.Truth is not { } truth || truth.Events.Any(e => e.Kind == TruthEventKind.TransactionCompleted && e.TransactionalId == transactionalId)),
            context.RecoveryTimeout,
            "the producer's first transaction").ConfigureAwait(false);
        var coordinator = await context.Faults.HoldTransactionMarkersAsync(transactionalId, context.CancellationToken).ConfigureAwait(false);
        context.Note($"holding the markers of broker {coordinator}, the coordinator of {transactionalId}");

        // Held: the next decided transaction (or one decided just before the hold) stays without markers.
        var decided = await context.WaitUntilAsync(
            () => Task.FromResult(context.Faults.Truth is not { } truth || DecidedNotCompleted(truth, transactionalId)),
            context.RecoveryTimeout,
            "a transaction to be decided while its markers are held").ConfigureAwait(false);
        if (decided)
        {
            context.Note("a transaction is decided and its markers are not written");
        }

        var since = context.Faults.Truth?.LastSequence ?? 0;
        await context.Faults.CrashBrokerAsync(coordinator, context.CancellationToken).ConfigureAwait(false);
        context.Note($"crashed broker {coordinator}, the coordinator");
        await context.WaitUntilAsync(
            () => Task.FromResult(context.Faults.Truth?.EventsAfter(since).Any(e => e.Kind == TruthEventKind.TransactionCompleted && e.TransactionalId == transactionalId) ?? true),
            context.RecoveryTimeout,
            "the next coordinator to complete a transaction").ConfigureAwait(false);
        await context.Faults.StartBrokerAsync(coordinator, context.CancellationToken).ConfigureAwait(false);
        context.Note($"restarted broker {coordinator}");
    }

    private static bool DecidedNotCompleted(GroundTruth truth, string transactionalId)
    {
        var events = truth.Events.Where(e => e.TransactionalId == transactionalId).ToList();
        var decided = events.LastOrDefault(static e => e.Kind == TruthEventKind.TransactionDecided);
        return decided is not null && !events.Any(e => e.Kind == TruthEventKind.TransactionCompleted && e.Sequence > decided.Sequence);
    }
}
