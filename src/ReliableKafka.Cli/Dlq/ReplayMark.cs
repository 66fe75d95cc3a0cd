using System.Globalization;
using System.Text;
using System.Text.Json;
using ReliableKafka.Reading;

namespace ReliableKafka.Cli.Dlq;

/// <summary>
/// The record <c>rk dlq replay</c> writes to <c>&lt;dead-letter topic&gt;.replays</c> after a dead letter was
/// delivered to its original topic: key = the letter's location (the <c>rk-replay-of</c> value,
/// topic/partition/offset), value = this as JSON.
/// </summary>
/// <param name="Letter">Where the dead letter is: topic/partition/offset.</param>
/// <param name="EventId">The letter's event id.</param>
/// <param name="OriginalTopic">The topic it was replayed to.</param>
/// <param name="Partition">The partition it was delivered to; null when the mark's value could not be read.</param>
/// <param name="Offset">The offset it was delivered at; null when the mark's value could not be read.</param>
/// <param name="ReplayedAt">When; null when the mark's value could not be read.</param>
/// <param name="Forced">Whether the replay was forced over an earlier one.</param>
internal sealed record ReplayMark(string Letter, string? EventId, string? OriginalTopic, int? Partition, long? Offset, DateTimeOffset? ReplayedAt, bool Forced)
{
    /// <summary>The suffix of the mark topic: <c>dead-letter-queue.replays</c>.</summary>
    public const string TopicSuffix = ".replays";

    public static string TopicFor(string deadLetterTopic) => deadLetterTopic + TopicSuffix;

    /// <summary>The JSON value of the mark record.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            WriteMembers(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes letter, eventId, replayedTo {topic, partition, offset}, replayedAt and forced.</summary>
    public void WriteMembers(Utf8JsonWriter writer)
    {
        writer.WriteString("letter", Letter);
        writer.WriteString("eventId", EventId);
        writer.WriteStartObject("replayedTo");
        writer.WriteString("topic", OriginalTopic);
        WriteNumber(writer, "partition", Partition);
        WriteNumber(writer, "offset", Offset);
        writer.WriteEndObject();
        writer.WriteString("replayedAt", ReplayedAt is { } at ? LetterText.Time(at) : null);
        writer.WriteBoolean("forced", Forced);
    }

    /// <summary>One line: <c>orders[0]@12 at 2025-01-15T10:30:00.000Z</c>.</summary>
    public string Describe() =>
        $"{OriginalTopic ?? "?"}[{Partition?.ToString(CultureInfo.InvariantCulture) ?? "?"}]@{Offset?.ToString(CultureInfo.InvariantCulture) ?? "?"}"
        + (ReplayedAt is { } at ? $" at {LetterText.Time(at)}" : "")
        + (Forced ? " (forced)" : "");

    /// <summary>
    /// The marks in the mark topic's records, by letter. A record whose value cannot be read still marks its key
    /// (the letter was replayed; where to is unknown), so it is never replayed again by mistake.
    /// </summary>
    public static ILookup<string, ReplayMark> Read(IEnumerable<TopicRecord<byte[]?, byte[]?>> records) =>
        records
            .Where(static r => r.Key is { Length: > 0 })
            .Select(static r => Parse(Encoding.UTF8.GetString(r.Key!), r.Value))
            .ToLookup(static m => m.Letter, StringComparer.Ordinal);

    private static ReplayMark Parse(string letter, byte[]? value)
    {
        try
        {
            using var json = JsonDocument.Parse(value ?? []);
            var root = json.RootElement;
            var to = root.TryGetProperty("replayedTo", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
            return new ReplayMark(
                letter,
                Text(root, "eventId"),
                Text(to, "topic"),
                to.ValueKind == JsonValueKind.Object && to.TryGetProperty("partition", out var p) && p.TryGetInt32(out var partition) ? partition : null,
                to.ValueKind == JsonValueKind.Object && to.TryGetProperty("offset", out var o) && o.TryGetInt64(out var offset) ? offset : null,
                Text(root, "replayedAt") is { } at && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : null,
                root.TryGetProperty("forced", out var f) && f.ValueKind == JsonValueKind.True);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new ReplayMark(letter, null, null, null, null, null, false);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void WriteNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
