using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Dlq;

/// <summary>The selection flags of <c>rk dlq list</c> and <c>rk dlq replay</c>; all that are given must hold.</summary>
internal class DlqSelectionSettings : DlqSettings
{
    [CommandOption("--original-topic <TOPIC>")]
    [Description("Only dead letters of messages meant for this topic.")]
    public string? OriginalTopic { get; init; }

    [CommandOption("--error <CODE>")]
    [Description("Only dead letters with this error: the name rk dlq list shows (MsgSizeTooLarge; case and underscores do not matter) or its number (10).")]
    public string? Error { get; init; }

    [CommandOption("--offsets <RANGE>")]
    [Description("Only dead letters in this range of the dead-letter topic: PARTITION:FROM-TO (0:10-20, both included), PARTITION:FROM- or PARTITION:OFFSET. Spilled letters have no offset and are not selected.")]
    public string? Offsets { get; init; }

    /// <summary>The selection (valid after <see cref="Validate"/>).</summary>
    public LetterSelection Selection => new(
        OriginalTopic,
        Error is null ? null : LetterSelection.ParseErrorCode(Error),
        Offsets is null ? null : OffsetRange.Parse(Offsets));

    public override ValidationResult Validate()
    {
        if (OriginalTopic is not null && string.IsNullOrWhiteSpace(OriginalTopic))
        {
            return ValidationResult.Error("--original-topic must name a topic, for example --original-topic orders.");
        }

        if (Error is not null && LetterSelection.ParseErrorCode(Error) is null)
        {
            return ValidationResult.Error($"--error '{Error}' is not an error code: use the name rk dlq list shows, such as MsgSizeTooLarge (or MSG_SIZE_TOO_LARGE), or its number, such as 10.");
        }

        if (Offsets is not null && OffsetRange.Parse(Offsets) is null)
        {
            return ValidationResult.Error($"--offsets '{Offsets}' is not {OffsetRange.Syntax}.");
        }

        return base.Validate();
    }
}
