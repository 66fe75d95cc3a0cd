using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ReliableKafka.Producing;

/// <summary>The library's log messages: structured, with topic, partition, offset and error code.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Delivered to {Topic} [{Partition}] @ {Offset} in {LatencyMs} ms ({Producer})")]
    public static partial void Delivered(ILogger logger, string topic, int partition, long offset, double latencyMs, string producer);

    [LoggerMessage(2, LogLevel.Warning, "Publish to {Topic} failed with {ErrorCode} ({Kind}, {Persistence}), key {Key}: {Reason}; {Disposition} ({Producer})")]
    public static partial void Failed(ILogger logger, string topic, ErrorCode errorCode, FailureKind kind, PersistenceStatus persistence, string key, string reason, FailureDisposition disposition, string producer);

    [LoggerMessage(3, LogLevel.Warning, "Dead-lettered a message for {Topic} to {DeadLetterTopic} [{Partition}] @ {Offset} after {ErrorCode}, event {EventId}")]
    public static partial void DeadLettered(ILogger logger, string topic, string deadLetterTopic, int partition, long offset, ErrorCode errorCode, string eventId);

    [LoggerMessage(4, LogLevel.Error, "Could not write the dead letter for {Topic} (event {EventId}) to {DeadLetterTopic}: {DeadLetterError}; stored it in the local spill {SpillPath} as row {SpillId}")]
    public static partial void Spilled(ILogger logger, string topic, string eventId, string deadLetterTopic, string deadLetterError, string spillPath, long spillId);

    [LoggerMessage(5, LogLevel.Critical, "Could not store the dead letter for {Topic} (event {EventId}, error {ErrorCode}) anywhere: the dead-letter topic failed ({DeadLetterError}) and so did the local spill {SpillPath}")]
    public static partial void SpillFailed(ILogger logger, Exception exception, string topic, string eventId, ErrorCode errorCode, string deadLetterError, string spillPath);

    [LoggerMessage(13, LogLevel.Critical, "Could not store the dead letter for {Topic} (event {EventId}, error {ErrorCode}) anywhere: the dead-letter topic failed ({DeadLetterError}) and no local spill is configured (DeadLetterOptions.OpenSpill)")]
    public static partial void NoSpill(ILogger logger, string topic, string eventId, ErrorCode errorCode, string deadLetterError);

    [LoggerMessage(6, LogLevel.Critical, "The client instance {Instance} of producer {Producer} hit a fatal error {ErrorCode}: {Reason}; replacing it with instance {Replacement}. Its messages in flight get Failed outcomes")]
    public static partial void Replacing(ILogger logger, string producer, int instance, ErrorCode errorCode, string reason, int replacement);

    [LoggerMessage(7, LogLevel.Error, "{Count} messages of producer {Producer} were not delivered before {Moment} (waited {WaitedMs} ms); each got a Failed outcome (possibly persisted)")]
    public static partial void Abandoned(ILogger logger, int count, string producer, string moment, double waitedMs);

    [LoggerMessage(8, LogLevel.Warning, "Kafka client error in producer {Producer}: {ErrorCode} {Reason}")]
    public static partial void ClientError(ILogger logger, string producer, ErrorCode errorCode, string reason);

    [LoggerMessage(9, LogLevel.Error, "A delivery callback of producer {Producer} threw")]
    public static partial void CallbackThrew(ILogger logger, Exception exception, string producer);

    [LoggerMessage(10, LogLevel.Information, "Producer {Producer} ({Profile}) started: acks={Acks}, enable.idempotence={Idempotence}, delivery.timeout.ms={DeliveryTimeout}, bootstrap.servers={BootstrapServers}")]
    public static partial void Started(ILogger logger, string producer, ReliabilityProfile profile, string acks, string idempotence, string deliveryTimeout, string bootstrapServers);

    [LoggerMessage(14, LogLevel.Warning, "Producer {Producer} ({Profile}) dead-letters without a local spill: a dead letter that the dead-letter topic cannot take will be Unhandled (logged, not kept). Add the ReliableKafka.DeadLetters.Sqlite package and call services.AddReliableKafkaSqliteSpill() or options.DeadLetters.UseSqliteSpill()")]
    public static partial void NoSpill(ILogger logger, string producer, ReliabilityProfile profile);

    [LoggerMessage(11, LogLevel.Warning, "Producer {Producer} configuration: {Finding}")]
    public static partial void Finding(ILogger logger, string producer, string finding);

    [LoggerMessage(12, LogLevel.Warning, "The wait for a message to {Topic} was cancelled after {LatencyMs} ms; the message was handed to the client and may still be delivered")]
    public static partial void WaitCancelled(ILogger logger, string topic, double latencyMs);
}
