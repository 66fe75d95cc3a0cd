using ReliableKafka.Configuration;
using ReliableKafka.DeadLetters;

namespace ReliableKafka.Cli.Dlq;

/// <summary>
/// The contracts of the <c>rk dlq ... --json</c> documents (docs/schemas/dlq.schema.json), built from letters and
/// marks with every secret masked.
/// </summary>
internal static class DlqJson
{
    /// <summary>The fields <c>rk dlq list</c> prints for a letter, with its replays.</summary>
    public static LetterSummaryDocument Summary(DeadLetter letter, IEnumerable<ReplayMark> replays, SecretRedactor redactor)
    {
        var position = letter.TopicPosition;
        return new LetterSummaryDocument(
            LetterText.Id(letter),
            letter.Location,
            letter.Source == DeadLetterSource.Topic ? "topic" : "spill",
            position?.Partition.Value,
            position?.Offset.Value,
            position is null ? letter.SpillId ?? 0 : null,
            letter.OriginalTopic,
            letter.OriginalPartition,
            letter.ErrorCode,
            redactor.Redact(letter.Reason),
            LetterText.FailedAt(letter),
            letter.Attempts,
            letter.EventId is null ? null : redactor.Redact(letter.EventId),
            [.. replays.Select(Replay)]);
    }

    /// <summary>The summary plus key, value and every stored header, decoded.</summary>
    public static LetterDetailDocument Detail(DeadLetter letter, IEnumerable<ReplayMark> replays, SecretRedactor redactor) => new(
        Summary(letter, replays, redactor),
        Payload(letter.Key, redactor),
        Payload(letter.Value, redactor),
        [.. letter.StoredHeaders.Select(header => Header(LetterText.Decode(header.Key, header.GetValueBytes()), redactor))]);

    public static ReplayDocument Replay(ReplayMark mark) => new(
        mark.Letter,
        mark.EventId,
        new ReplayedToDocument(mark.OriginalTopic, mark.Partition, mark.Offset),
        mark.ReplayedAt is { } at ? LetterText.Time(at) : null,
        mark.Forced);

    private static PayloadDocument? Payload(byte[]? bytes, SecretRedactor redactor) =>
        LetterText.Payload(bytes) is { } payload
            ? new PayloadDocument(payload.Encoding, payload.Encoding == "utf8" ? redactor.Redact(payload.Text) : payload.Text, bytes!.Length)
            : null;

    private static HeaderDocument Header(DecodedHeader decoded, SecretRedactor redactor) => new(
        redactor.Redact(decoded.Name),
        decoded.Encoding,
        decoded.Value is string text ? redactor.Redact(text) : decoded.Value,
        decoded.Encoding == "unix-ms" ? LetterText.Time(DateTimeOffset.FromUnixTimeMilliseconds((long)decoded.Value!)) : null,
        decoded.DeadLetter);
}
