using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using ReliableKafka.DeadLetters;

namespace ReliableKafka.Cli.Dlq;

/// <summary>How <c>rk dlq</c> prints a dead letter: its id, times, payloads and decoded headers, text or JSON.</summary>
internal static class LetterText
{
    /// <summary>Headers of the dead-letter topic written by Spring Kafka (and by ReliableKafka under Spring's names).</summary>
    public const string SpringPrefix = "kafka_dlt-";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>What <c>rk dlq show</c> takes: <c>0:42</c> for the topic, <c>spill:3</c> for the spill.</summary>
    public static string Id(DeadLetter letter) =>
        letter.TopicPosition is { } p ? $"{p.Partition.Value}:{p.Offset.Value}" : $"spill:{letter.SpillId}";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? FailedAt(DeadLetter letter) => letter.FailedAt == DateTimeOffset.MinValue ? null : Time(letter.FailedAt);

    /// <summary>A key or value: ("utf8", text) when it is printable UTF-8, otherwise ("base64", its base64); null for none.</summary>
    public static (string Encoding, string Text)? Payload(byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }

        return Printable(bytes) is { } text ? ("utf8", text) : ("base64", Convert.ToBase64String(bytes));
    }

    /// <summary>
    /// A header decoded by its name's known encoding: the int32 partition and attempts, int64 offset, Unix-ms times,
    /// otherwise printable UTF-8, otherwise base64.
    /// </summary>
    public static DecodedHeader Decode(string name, byte[]? bytes)
    {
        var deadLetter = DeadLetterHeaders.IsDeadLetterHeader(name) || name.StartsWith(SpringPrefix, StringComparison.Ordinal);
        switch (name, bytes?.Length)
        {
            case (DeadLetterHeaders.OriginalPartition or DeadLetterHeaders.Attempts, 4):
                return new(name, "int32", BinaryPrimitives.ReadInt32BigEndian(bytes), deadLetter);
            case (SpringPrefix + "original-offset", 8):
                return new(name, "int64", BinaryPrimitives.ReadInt64BigEndian(bytes), deadLetter);
            case (DeadLetterHeaders.FailedAt or SpringPrefix + "original-timestamp", 8):
                return new(name, "unix-ms", BinaryPrimitives.ReadInt64BigEndian(bytes), deadLetter);
            default:
                if (bytes is null)
                {
                    return new(name, "null", null, deadLetter);
                }

                return Printable(bytes) is { } text ? new(name, "utf8", text, deadLetter) : new(name, "base64", Convert.ToBase64String(bytes), deadLetter);
        }
    }

    /// <summary>Text for a terminal: printable UTF-8 as it is, otherwise hex; cut at <paramref name="limit"/> characters.</summary>
    public static string ForText(byte[]? bytes, int limit = 2048)
    {
        if (bytes is null)
        {
            return "(null)";
        }

        var text = Printable(bytes) is { } printable ? printable : "hex " + Convert.ToHexStringLower(bytes);
        return text.Length <= limit ? text : $"{text[..limit]}... ({bytes.Length} bytes; --json has all of it)";
    }

    /// <summary>A decoded header for a terminal.</summary>
    public static string ForText(DecodedHeader header) => header.Encoding switch
    {
        "unix-ms" => $"{Time(DateTimeOffset.FromUnixTimeMilliseconds((long)header.Value!))} ({header.Value})",
        "base64" => $"base64 {header.Value}",
        "null" => "(null)",
        _ => Convert.ToString(header.Value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>The text when the bytes are valid UTF-8 without control characters other than tab and line breaks.</summary>
    private static string? Printable(byte[] bytes)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\r' or '\n'))
            {
                return null;
            }
        }

        return text;
    }
}

/// <summary>A header as <c>rk dlq show</c> prints it.</summary>
/// <param name="Name">The header's name.</param>
/// <param name="Encoding">int32, int64, unix-ms, utf8, base64 or null.</param>
/// <param name="Value">An int, a long or a string; null for a null header.</param>
/// <param name="DeadLetter">Whether dead-lettering added it (Spring's kafka_dlt-* and rk-*) rather than the application.</param>
internal sealed record DecodedHeader(string Name, string Encoding, object? Value, bool DeadLetter);
