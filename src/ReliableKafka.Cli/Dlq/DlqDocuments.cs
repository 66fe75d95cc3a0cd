using System.Text.Json.Serialization;

namespace ReliableKafka.Cli.Dlq;

/// <summary>What a failed <c>rk dlq</c> command prints on stdout with <c>--json</c>.</summary>
internal sealed record DlqErrorDocument(int ExitCode, DlqErrorMessage Error);

/// <summary>Why the command failed, secrets masked.</summary>
internal sealed record DlqErrorMessage(string Message);

/// <summary>The <c>rk dlq list --json</c> document.</summary>
/// <param name="Spill">The spill file read, or null.</param>
internal sealed record DlqListDocument(
    string Topic, bool TopicExists, string MarkTopic, string? Spill, DlqSelectionDocument Selection, int Count, int Replayed, IReadOnlyList<LetterSummaryDocument> Letters);

/// <summary>The selection flags given (null when not).</summary>
/// <param name="Error">The error code selected, by name.</param>
/// <param name="Offsets">PARTITION:FROM-TO.</param>
internal sealed record DlqSelectionDocument(string? OriginalTopic, string? Error, string? Offsets);

/// <summary>The <c>rk dlq show --json</c> document.</summary>
internal sealed record DlqShowDocument(string Topic, LetterDetailDocument Letter);

/// <summary>The <c>rk dlq replay --json</c> document.</summary>
internal sealed record DlqReplayDocument(
    string Topic, string MarkTopic, bool DryRun, bool Force, bool SkipReplayed, int ExitCode, int Selected, int Replayed, int Refused, int Failed, IReadOnlyList<ReplayedLetterDocument> Letters);

/// <summary>What became of one selected letter.</summary>
/// <param name="Result">would-replay, replayed, refused, not-replayed, skipped, failed or replayed-unmarked.</param>
/// <param name="ReplayedTo">Where it was delivered, or null.</param>
internal sealed record ReplayedLetterDocument(
    string Id, string Location, string OriginalTopic, string ErrorCode, string? EventId, string Result, DeliveredToDocument? ReplayedTo, string? Error, IReadOnlyList<ReplayDocument> PreviousReplays);

/// <summary>Where a replay delivered a letter.</summary>
internal sealed record DeliveredToDocument(string Topic, int Partition, long Offset);

/// <summary>A dead letter as <c>rk dlq list</c> prints it.</summary>
/// <param name="Source">topic or spill.</param>
/// <param name="Partition">Its partition in the dead-letter topic; null for a spilled letter.</param>
/// <param name="Offset">Its offset in the dead-letter topic; null for a spilled letter.</param>
/// <param name="SpillId">Its row in the spill; null for a letter in the topic.</param>
/// <param name="FailedAt">ISO 8601 UTC, or null when unknown.</param>
internal sealed record LetterSummaryDocument(
    string Id,
    string Location,
    string Source,
    int? Partition,
    long? Offset,
    long? SpillId,
    string OriginalTopic,
    int OriginalPartition,
    string ErrorCode,
    string Reason,
    string? FailedAt,
    int Attempts,
    string? EventId,
    IReadOnlyList<ReplayDocument> Replays);

/// <summary>A dead letter as <c>rk dlq show</c> prints it: the summary's fields, then key, value and headers.</summary>
internal sealed record LetterDetailDocument(
    [property: JsonIgnore] LetterSummaryDocument Summary,
    [property: JsonPropertyOrder(1)] PayloadDocument? Key,
    [property: JsonPropertyOrder(1)] PayloadDocument? Value,
    [property: JsonPropertyOrder(1)] IReadOnlyList<HeaderDocument> Headers)
{
    public string Id => Summary.Id;

    public string Location => Summary.Location;

    public string Source => Summary.Source;

    public int? Partition => Summary.Partition;

    public long? Offset => Summary.Offset;

    public long? SpillId => Summary.SpillId;

    public string OriginalTopic => Summary.OriginalTopic;

    public int OriginalPartition => Summary.OriginalPartition;

    public string ErrorCode => Summary.ErrorCode;

    public string Reason => Summary.Reason;

    public string? FailedAt => Summary.FailedAt;

    public int Attempts => Summary.Attempts;

    public string? EventId => Summary.EventId;

    public IReadOnlyList<ReplayDocument> Replays => Summary.Replays;
}

/// <summary>A key or value.</summary>
/// <param name="Encoding">utf8 (printable text) or base64.</param>
internal sealed record PayloadDocument(string Encoding, string Data, int Bytes);

/// <summary>A stored header, decoded.</summary>
/// <param name="Encoding">int32, int64, unix-ms, utf8, base64 or null.</param>
/// <param name="Value">A number, a string or null.</param>
/// <param name="Time">ISO 8601 UTC, for a unix-ms header only.</param>
/// <param name="DeadLetter">Whether dead-lettering added it rather than the application.</param>
internal sealed record HeaderDocument(
    string Name, string Encoding, object? Value, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Time, bool DeadLetter);

/// <summary>An earlier replay of a letter, from its mark.</summary>
/// <param name="ReplayedAt">ISO 8601 UTC, or null when the mark could not be read.</param>
internal sealed record ReplayDocument(string Letter, string? EventId, ReplayedToDocument ReplayedTo, string? ReplayedAt, bool Forced);

/// <summary>Where an earlier replay delivered the letter (null fields when its mark could not be read).</summary>
internal sealed record ReplayedToDocument(string? Topic, int? Partition, long? Offset);
