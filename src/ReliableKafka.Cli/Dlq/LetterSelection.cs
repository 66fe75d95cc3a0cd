using System.Globalization;
using Confluent.Kafka;
using ReliableKafka.DeadLetters;

namespace ReliableKafka.Cli.Dlq;

/// <summary>
/// Which dead letters a command takes: by original topic, error code and offset range of the dead-letter topic.
/// The criteria given must all hold; none given selects every letter.
/// </summary>
internal sealed record LetterSelection(string? OriginalTopic, string? ErrorCode, OffsetRange? Offsets)
{
    public bool IsEmpty => OriginalTopic is null && ErrorCode is null && Offsets is null;

    public bool Matches(DeadLetter letter) =>
        (OriginalTopic is null || string.Equals(letter.OriginalTopic, OriginalTopic, StringComparison.Ordinal))
        && (ErrorCode is null || string.Equals(letter.ErrorCode, ErrorCode, StringComparison.Ordinal))
        && (Offsets is null || (letter.TopicPosition is { } p && Offsets.Contains(p.Partition.Value, p.Offset.Value)));

    /// <summary>Parses <c>--error</c>: a Confluent.Kafka error code name in any case, with or without underscores (MsgSizeTooLarge, MSG_SIZE_TOO_LARGE), or its number.</summary>
    /// <returns>The name as dead letters carry it in rk-error-code, or null when it is not an error code.</returns>
    public static string? ParseErrorCode(string text)
    {
        var trimmed = text.Trim();
        if (int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return Enum.IsDefined((ErrorCode)number) ? ((ErrorCode)number).ToString() : null;
        }

        var wanted = Normalize(trimmed);
        return wanted.Length == 0 ? null : Enum.GetNames<ErrorCode>().FirstOrDefault(n => Normalize(n) == wanted);

        static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToUpperInvariant();
    }
}

/// <summary>Offsets <see cref="From"/> to <see cref="To"/> (both included) of one partition of the dead-letter topic.</summary>
internal sealed record OffsetRange(int Partition, long From, long To)
{
    public const string Syntax = "PARTITION:FROM-TO (for example 0:10-20), PARTITION:FROM- (to the end) or PARTITION:OFFSET";

    public bool Contains(int partition, long offset) => partition == Partition && offset >= From && offset <= To;

    /// <summary>Parses <c>0:10-20</c>, <c>0:10-</c> or <c>0:10</c>; null when it is none of these or FROM is after TO.</summary>
    public static OffsetRange? Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1 || !int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
        {
            return null;
        }

        var range = text.AsSpan(colon + 1);
        var dash = range.IndexOf('-');
        var fromText = dash < 0 ? range : range[..dash];
        if (!long.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
        {
            return null;
        }

        if (dash < 0)
        {
            return new OffsetRange(partition, from, from);
        }

        var toText = range[(dash + 1)..];
        if (toText.IsEmpty)
        {
            return new OffsetRange(partition, from, long.MaxValue);
        }

        return long.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out var to) && to >= from ? new OffsetRange(partition, from, to) : null;
    }

    public override string ToString() => To == long.MaxValue ? $"{Partition}:{From}-" : From == To ? $"{Partition}:{From}" : $"{Partition}:{From}-{To}";
}
