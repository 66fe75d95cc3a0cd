using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;

namespace ReliableKafka.DeadLetters;

/// <summary>Where a <see cref="DeadLetter"/> was read from.</summary>
public enum DeadLetterSource
{
    /// <summary>The dead-letter topic.</summary>
    Topic = 0,

    /// <summary>The local spill file (the dead-letter topic could not be written).</summary>
    Spill = 1,
}

/// <summary>A message that failed fatally, as read back from the dead-letter topic or the local spill.</summary>
public sealed record DeadLetter
{
    /// <summary>Topic or spill.</summary>
    public required DeadLetterSource Source { get; init; }

    /// <summary>Where it is: topic/partition/offset of the dead letter, or "spill/&lt;id&gt;".</summary>
    public required string Location { get; init; }

    /// <summary>The dead letter's position in the dead-letter topic; null for a spilled one.</summary>
    public TopicPartitionOffset? TopicPosition { get; init; }

    /// <summary>The row id in the spill file; null for one read from the topic.</summary>
    public long? SpillId { get; init; }

    /// <summary>The topic the message was meant for.</summary>
    public required string OriginalTopic { get; init; }

    /// <summary>The partition it was meant for, or -1.</summary>
    public int OriginalPartition { get; init; } = -1;

    /// <summary>The original key, unchanged.</summary>
    public byte[]? Key { get; init; }

    /// <summary>The original value, unchanged.</summary>
    public byte[]? Value { get; init; }

    /// <summary>The original headers, without the dead-letter headers.</summary>
    public required Headers Headers { get; init; }

    /// <summary>
    /// Every header as stored in the dead-letter topic or the spill, the dead-letter headers included, in their
    /// order (for tools that show a dead letter as it is, such as <c>rk dlq show</c>).
    /// </summary>
    public Headers StoredHeaders { get; init; } = [];

    /// <summary>The error code's name, for example "MsgSizeTooLarge".</summary>
    public required string ErrorCode { get; init; }

    /// <summary>Why it failed.</summary>
    public required string Reason { get; init; }

    /// <summary>When it failed.</summary>
    public DateTimeOffset FailedAt { get; init; }

    /// <summary>How many times it was published.</summary>
    public int Attempts { get; init; }

    /// <summary>The event id.</summary>
    public string? EventId { get; init; }

    /// <summary>Builds a dead letter from a record of the dead-letter topic; null when it lacks the original-topic header.</summary>
    /// <param name="position">Where the record is.</param>
    /// <param name="key">The record key.</param>
    /// <param name="value">The record value.</param>
    /// <param name="headers">The record headers (the original ones and the dead-letter ones).</param>
    /// <returns>The dead letter, or null when the record is not one.</returns>
    public static DeadLetter? FromRecord(TopicPartitionOffset position, byte[]? key, byte[]? value, Headers? headers)
    {
        ArgumentNullException.ThrowIfNull(position);
        return FromParts(DeadLetterSource.Topic, $"{position.Topic}/{position.Partition.Value}/{position.Offset.Value}", position, null, key, value, headers);
    }

    /// <summary>
    /// Builds a dead letter from an entry of a local spill (<see cref="IDeadLetterSpill"/>); null when its headers lack
    /// the original-topic header. Its <see cref="Location"/> is "spill/&lt;id&gt;".
    /// </summary>
    /// <param name="spillId">The entry's id in the spill.</param>
    /// <param name="key">The message key.</param>
    /// <param name="value">The message value.</param>
    /// <param name="headers">The headers as spilled (the original ones and the dead-letter ones).</param>
    /// <returns>The dead letter, or null when the entry is not one.</returns>
    public static DeadLetter? FromSpill(long spillId, byte[]? key, byte[]? value, Headers? headers) =>
        FromParts(DeadLetterSource.Spill, $"spill/{spillId}", null, spillId, key, value, headers);

    private static DeadLetter? FromParts(
        DeadLetterSource source,
        string location,
        TopicPartitionOffset? position,
        long? spillId,
        byte[]? key,
        byte[]? value,
        Headers? headers)
    {
        string? originalTopic = null;
        int partition = -1, attempts = 0;
        string errorCode = "", reason = "";
        string? eventId = null;
        var failedAt = DateTimeOffset.MinValue;
        var original = new Headers();
        var stored = new Headers();
        foreach (var header in headers ?? [])
        {
            var bytes = header.GetValueBytes();
            stored.Add(header.Key, bytes);
            switch (header.Key)
            {
                case DeadLetterHeaders.OriginalTopic:
                    originalTopic = Text(bytes);
                    break;
                case DeadLetterHeaders.OriginalPartition when bytes is { Length: 4 }:
                    partition = BinaryPrimitives.ReadInt32BigEndian(bytes);
                    break;
                case DeadLetterHeaders.ErrorCode:
                    errorCode = Text(bytes);
                    break;
                case DeadLetterHeaders.ExceptionMessage:
                    reason = Text(bytes);
                    break;
                case DeadLetterHeaders.FailedAt when bytes is { Length: 8 }:
                    failedAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(bytes));
                    break;
                case DeadLetterHeaders.Attempts when bytes is { Length: 4 }:
                    attempts = BinaryPrimitives.ReadInt32BigEndian(bytes);
                    break;
                case DeadLetterHeaders.EventId:
                    eventId = Text(bytes);
                    break;
                default:
                    if (!DeadLetterHeaders.IsDeadLetterHeader(header.Key))
                    {
                        original.Add(header.Key, bytes);
                    }

                    break;
            }
        }

        if (originalTopic is null)
        {
            return null;
        }

        return new DeadLetter
        {
            Source = source,
            Location = location,
            TopicPosition = position,
            SpillId = spillId,
            OriginalTopic = originalTopic,
            OriginalPartition = partition,
            Key = key,
            Value = value,
            Headers = original,
            StoredHeaders = stored,
            ErrorCode = errorCode,
            Reason = reason,
            FailedAt = failedAt,
            Attempts = attempts,
            EventId = eventId,
        };
    }

    private static string Text(byte[]? bytes) => bytes is null ? "" : Encoding.UTF8.GetString(bytes);
}
