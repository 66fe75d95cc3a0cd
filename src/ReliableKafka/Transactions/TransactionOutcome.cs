using Confluent.Kafka;

namespace ReliableKafka;

/// <summary>How a transaction ended, as far as the publisher could learn.</summary>
public enum TransactionStatus
{
    /// <summary>Committed: read_committed consumers see every message of it, and <see cref="TransactionOutcome.Offsets"/> says where.</summary>
    Committed,

    /// <summary>
    /// Aborted: no read_committed consumer will ever see any of it (a message was refused, the client needed to abort,
    /// or the caller cancelled before the commit). Publishing the same messages again is safe.
    /// </summary>
    Aborted,

    /// <summary>
    /// Fenced: another instance with the same transactional.id started, so this one may no longer write; its open
    /// transaction was aborted. Stop this instance; every later call answers Fenced without touching Kafka.
    /// </summary>
    Fenced,

    /// <summary>
    /// Unknown: the commit was sent but its result could not be learned (it kept failing with retriable errors, or the
    /// client failed fatally during it). The transaction may have committed: read_committed consumers see it whole or
    /// not at all. The publisher replaces its client: the next call's InitTransactions finishes this transaction as the
    /// coordinator decided it. Publish it again only if consumers drop event ids they have already processed.
    /// </summary>
    Unknown,
}

/// <summary>The typed result of <see cref="TransactionalPublisher{TKey, TValue}.PublishAsync"/>.</summary>
public sealed record TransactionOutcome
{
    /// <summary>How it ended.</summary>
    public required TransactionStatus Status { get; init; }

    /// <summary>Where each message landed, in the order given, when <see cref="Status"/> is Committed; empty otherwise.</summary>
    public IReadOnlyList<TopicPartitionOffset> Offsets { get; init; } = [];

    /// <summary>The error behind an outcome other than Committed (the first refused message's, or the client's); null when committed.</summary>
    public Error? Error { get; init; }

    /// <summary>What happened and what to do, in words (secrets redacted); empty when committed.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>From the call to the outcome.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>True when <see cref="Status"/> is Committed.</summary>
    public bool IsCommitted => Status == TransactionStatus.Committed;
}

/// <summary>One message of a transaction: its topic and the message.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <param name="Topic">Where it goes.</param>
/// <param name="Message">The key, value, headers and optional timestamp.</param>
public sealed record TransactionalMessage<TKey, TValue>(string Topic, Message<TKey, TValue> Message);
