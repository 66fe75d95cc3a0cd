using Microsoft.Extensions.Logging;
using ReliableKafka.Telemetry;

namespace ReliableKafka;

// The publisher's metrics and log events (301-308).
public sealed partial class TransactionalPublisher<TKey, TValue>
{
    /// <summary>Counts the outcome by status and logs what is not a commit.</summary>
    private void Record(TransactionOutcome outcome)
    {
        if (ReliableKafkaTelemetry.TransactionsCounter.Enabled)
        {
            ReliableKafkaTelemetry.TransactionsCounter.Add(1, new KeyValuePair<string, object?>(ReliableKafkaTelemetry.TagProducer, _name), new KeyValuePair<string, object?>(ReliableKafkaTelemetry.TagOutcome, outcome.Status.ToString()));
        }

        switch (outcome.Status)
        {
            case TransactionStatus.Aborted:
                LogAborted(_logger, _name, outcome.Reason);
                break;
            case TransactionStatus.Unknown:
                LogUnknown(_logger, _name, outcome.Reason);
                break;
        }
    }

    [LoggerMessage(301, LogLevel.Warning, "Transaction of {Publisher} aborted: {Reason}")]
    private static partial void LogAborted(ILogger logger, string publisher, string reason);

    [LoggerMessage(302, LogLevel.Error, "Publisher {Publisher} is fenced: another instance with its transactional.id started ({Reason}); it publishes nothing more")]
    private static partial void LogFenced(ILogger logger, string publisher, string reason);

    [LoggerMessage(303, LogLevel.Error, "Transaction of {Publisher} has an unknown outcome: {Reason}")]
    private static partial void LogUnknown(ILogger logger, string publisher, string reason);

    [LoggerMessage(304, LogLevel.Warning, "Publisher {Publisher} replaces its client after a fatal error: {Reason}")]
    private static partial void LogReplaced(ILogger logger, string publisher, string reason);

    [LoggerMessage(305, LogLevel.Information, "Publisher {Publisher} retries its commit (attempt {Attempt}): {Reason}")]
    private static partial void LogRetry(ILogger logger, string publisher, int attempt, string reason);

    [LoggerMessage(307, LogLevel.Information, "Publisher {Publisher} runs its transaction again after the client recovered its sequence numbers: {Reason}")]
    private static partial void LogRetryTransaction(ILogger logger, string publisher, string reason);

    [LoggerMessage(308, LogLevel.Warning, "Publisher {Publisher} replaces its client, whose commit never finished: {Reason}")]
    private static partial void LogUnfinished(ILogger logger, string publisher, string reason);

    [LoggerMessage(306, LogLevel.Warning, "Publisher {Publisher}'s client: {Message}")]
    private static partial void LogClient(ILogger logger, string publisher, string message);
}
