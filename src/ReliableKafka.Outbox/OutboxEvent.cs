namespace ReliableKafka.Outbox;

/// <summary>An event to publish later, written to the outbox in the same transaction as the change it announces.</summary>
/// <param name="Topic">The topic to publish to.</param>
/// <param name="Key">The message key; events with the same key are published in the order they were written.</param>
/// <param name="Value">The message value (for example JSON).</param>
/// <param name="EventId">A unique id; consumers deduplicate by it, and it travels as the <c>event-id</c> header.</param>
public sealed record OutboxEvent(string Topic, string Key, string Value, string EventId)
{
    /// <summary>Extra headers (UTF-8 strings). <c>event-id</c> is always added.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
