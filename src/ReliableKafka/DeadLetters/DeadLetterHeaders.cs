using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;

namespace ReliableKafka.DeadLetters;

/// <summary>
/// The headers a dead letter carries besides the original ones: Spring Kafka's names and encodings, so Java tooling
/// can read them, plus ReliableKafka's own.
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>The original topic, UTF-8.</summary>
    public const string OriginalTopic = "kafka_dlt-original-topic";

    /// <summary>The original partition, 4-byte big-endian; -1 when none was assigned.</summary>
    public const string OriginalPartition = "kafka_dlt-original-partition";

    /// <summary>The original offset, 8-byte big-endian (a record a consumer dead-lettered).</summary>
    public const string OriginalOffset = "kafka_dlt-original-offset";

    /// <summary>The exception type name, UTF-8.</summary>
    public const string ExceptionFqcn = "kafka_dlt-exception-fqcn";

    /// <summary>The failure's message, UTF-8, secrets redacted.</summary>
    public const string ExceptionMessage = "kafka_dlt-exception-message";

    /// <summary>The Confluent.Kafka error code name, UTF-8 (for example "MsgSizeTooLarge").</summary>
    public const string ErrorCode = "rk-error-code";

    /// <summary>When it failed: Unix milliseconds, 8-byte big-endian.</summary>
    public const string FailedAt = "rk-failed-at";

    /// <summary>How many times it was published, 4-byte big-endian.</summary>
    public const string Attempts = "rk-attempts";

    /// <summary>The event id (the message's "event-id" header when it has one, otherwise a new id), UTF-8.</summary>
    public const string EventId = "rk-event-id";

    /// <summary>Set on a message replayed from a dead letter: where the dead letter was, UTF-8 "topic/partition/offset" or "spill/id".</summary>
    public const string ReplayOf = "rk-replay-of";

    /// <summary>The header applications use for an event's id; copied into <see cref="EventId"/>.</summary>
    public const string ApplicationEventId = "event-id";

    /// <summary>The type name written to <see cref="ExceptionFqcn"/>.</summary>
    internal const string ExceptionTypeName = "Confluent.Kafka.KafkaException";

    private const string SpringPrefix = "kafka_dlt-";

    private static readonly HashSet<string> Ours =
    [
        OriginalTopic, OriginalPartition, OriginalOffset, ExceptionFqcn, ExceptionMessage, ErrorCode, FailedAt, Attempts, EventId,
    ];

    /// <summary>
    /// True when <paramref name="name"/> is a header that dead-lettering added: ours, or any of Spring Kafka's
    /// <c>kafka_dlt-</c> headers (a letter written by a Java service carries more of them, such as the stack trace).
    /// </summary>
    /// <param name="name">A header name.</param>
    /// <returns>Whether replay strips it.</returns>
    public static bool IsDeadLetterHeader(string name) => Ours.Contains(name) || name.StartsWith(SpringPrefix, StringComparison.Ordinal);

    /// <summary>Copies <paramref name="original"/> and appends the dead-letter headers.</summary>
    internal static Headers Build(
        Headers? original,
        string topic,
        int partition,
        ErrorCode error,
        string reason,
        DateTimeOffset failedAt,
        out string eventId,
        string exceptionType = ExceptionTypeName)
    {
        var headers = new Headers();
        var attempts = 1;
        string? existingEventId = null;
        if (original is not null)
        {
            foreach (var header in original)
            {
                var value = header.GetValueBytes();
                if (header.Key == ApplicationEventId && value is not null)
                {
                    existingEventId = Encoding.UTF8.GetString(value);
                }

                if (header.Key == Attempts && value is { Length: 4 })
                {
                    attempts = BinaryPrimitives.ReadInt32BigEndian(value) + 1;
                    continue;
                }

                if (IsDeadLetterHeader(header.Key))
                {
                    continue;
                }

                headers.Add(header.Key, value);
            }
        }

        eventId = existingEventId ?? Guid.CreateVersion7(failedAt).ToString();
        headers.Add(OriginalTopic, Encoding.UTF8.GetBytes(topic));
        headers.Add(OriginalPartition, Int32(partition));
        headers.Add(ExceptionFqcn, Encoding.UTF8.GetBytes(exceptionType));
        headers.Add(ExceptionMessage, Encoding.UTF8.GetBytes(reason));
        headers.Add(ErrorCode, Encoding.UTF8.GetBytes(error.ToString()));
        var at = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(at, failedAt.ToUnixTimeMilliseconds());
        headers.Add(FailedAt, at);
        headers.Add(Attempts, Int32(attempts));
        headers.Add(EventId, Encoding.UTF8.GetBytes(eventId));
        return headers;
    }

    internal static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }
}
