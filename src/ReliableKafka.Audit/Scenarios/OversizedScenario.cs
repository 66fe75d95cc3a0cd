namespace ReliableKafka.Audit.Scenarios;

/// <summary>
/// Three messages of 300 000 characters go to a topic whose max.message.bytes is 100 000. The broker refuses them
/// (MESSAGE_TOO_LARGE, fatal) and the producer dead-letters them; the rest of the traffic is unaffected. batch.size is
/// capped at 16384 so that ordinary batches stay far below the limit.
/// </summary>
internal sealed class OversizedScenario : AuditScenario
{
    public const int TopicLimit = 100_000;
    public const int OversizedLength = 300_000;
    private const int Count = 3;

    public override string Id => ScenarioIds.Oversized;

    public override string Description => "3 messages of 300 kB to a topic with max.message.bytes 100 kB; the producer dead-letters them";

    public override FaultCapabilities Needs => FaultCapabilities.None;

    public override int? MaxMessageBytes => TopicLimit;

    public override IReadOnlyDictionary<string, string> ProducerOverrides { get; } = new Dictionary<string, string> { ["batch.size"] = "16384" };

    public override bool UsesDeadLetters => true;

    public override async Task RunAsync(ScenarioContext context)
    {
        for (var i = 0; i < Count; i++)
        {
            context.SendOversized();
            context.Note($"sent an oversized message ({OversizedLength} characters, topic limit {TopicLimit} bytes)");
            await context.DelayAsync(TimeSpan.FromMilliseconds(300)).ConfigureAwait(false);
        }
    }
}
