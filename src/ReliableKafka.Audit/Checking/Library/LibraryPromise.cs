namespace ReliableKafka.Audit.Checking.Library;

/// <summary>A promise the library documents, as the library checker checks it.</summary>
public enum LibraryPromise
{
    /// <summary>Every committed outbox event is on its topic, or dead with its reason and in the dead letters, or waits behind a dead event of its key.</summary>
    NothingVanishes,

    /// <summary>An outbox event marked sent is on its topic at the partition and offset recorded.</summary>
    SentIsOnTheTopic,

    /// <summary>An outbox event whose transaction rolled back is never published.</summary>
    RolledBackNeverPublished,

    /// <summary>Per key, events reach the topic in the order they were written, and no copy lands after a later event of its key.</summary>
    KeyOrder,

    /// <summary>No event is published after a dead event of its key (the default dead-event policy).</summary>
    DeadEventBlocksItsKey,

    /// <summary>Every duplicate on a topic is explained: the outbox published the event again after an unknown outcome, or the broker's ground truth records a rejected append that the client re-sent.</summary>
    DuplicatesExplained,

    /// <summary>Every <see cref="ReliableProducer{TKey, TValue}"/> call gets exactly one outcome, by the time the producer is disposed.</summary>
    OneOutcomePerCall,

    /// <summary>Delivered means present at that partition and offset; Failed with NotPersisted means absent; a dead-lettered failure is in the dead letters.</summary>
    OutcomeAgreesWithTheLog,

    /// <summary>Behind the idempotent consumer, each event on the topics takes effect exactly once, nothing else does, and a poison record is dead-lettered instead of blocking the rest.</summary>
    EffectOnce,
}

/// <summary>The library promises with their descriptions, in the order they are checked.</summary>
public static class LibraryPromises
{
    /// <summary>Every promise and what it means.</summary>
    public static IReadOnlyList<(LibraryPromise Promise, string Description)> All { get; } =
    [
        (LibraryPromise.NothingVanishes, "every committed outbox event is on its topic, or dead with its reason and in the dead letters, or waits behind a dead event of its key"),
        (LibraryPromise.SentIsOnTheTopic, "an outbox event marked sent is on its topic at the partition and offset recorded"),
        (LibraryPromise.RolledBackNeverPublished, "an outbox event whose transaction rolled back is never published"),
        (LibraryPromise.KeyOrder, "per key, events reach the topic in the order they were written; no copy lands after a later event of its key"),
        (LibraryPromise.DeadEventBlocksItsKey, "no event is published after a dead event of its key"),
        (LibraryPromise.DuplicatesExplained, "every duplicate is explained: re-published after an unknown outcome, or a rejected append the client re-sent (ground truth)"),
        (LibraryPromise.OneOutcomePerCall, "every ReliableProducer call gets exactly one outcome by the time the producer is disposed"),
        (LibraryPromise.OutcomeAgreesWithTheLog, "Delivered is at its partition and offset; Failed/NotPersisted is absent; dead-lettered is in the dead letters"),
        (LibraryPromise.EffectOnce, "behind the idempotent consumer each event on the topics takes effect exactly once, nothing else does, and poison records are dead-lettered, not stuck"),
    ];
}

/// <summary>A broken promise.</summary>
/// <param name="Promise">Which.</param>
/// <param name="Detail">What happened, naming the event and where.</param>
public sealed record LibraryViolation(LibraryPromise Promise, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Promise}: {Detail}";
}
