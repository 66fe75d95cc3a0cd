using Confluent.Kafka;

namespace ReliableKafka.Audit.Scenarios;

/// <summary>
/// A second instance starts with the run's transactional.id (a restarted pod while the old one still runs): its
/// InitTransactions fences the running producer and aborts its open transaction. The fenced instance must not get
/// anything of that transaction to read_committed consumers; the workload then starts a new instance, as an application
/// that handles fencing does.
/// </summary>
internal sealed class ZombieProducerScenario : AuditScenario
{
    public override string Id => ScenarioIds.ZombieProducer;

    public override string Description => "a second instance with the same transactional.id starts: the running producer is fenced mid-transaction";

    public override FaultCapabilities Needs => FaultCapabilities.None;

    public override bool NeedsTransactions => true;

    public override async Task RunAsync(ScenarioContext context)
    {
        var transactionalId = context.TransactionalId!;
        await Task.Run(
            () =>
            {
                using var successor = new ProducerBuilder<Null, string>(new ProducerConfig
                {
                    BootstrapServers = context.BootstrapServers,
                    TransactionalId = transactionalId,
                    ClientId = context.ClientId + "-successor",
                }).SetLogHandler(static (_, _) => { }).SetErrorHandler(static (_, _) => { }).Build();
                successor.InitTransactions(context.RecoveryTimeout + context.DeliveryTimeout);
            },
            context.CancellationToken).ConfigureAwait(false);
        context.Note($"a second instance initialised {transactionalId}: the running producer is fenced");
        await context.DelayAsync(context.DeliveryTimeout).ConfigureAwait(false);
    }
}
