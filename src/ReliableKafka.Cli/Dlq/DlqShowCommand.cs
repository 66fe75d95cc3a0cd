using System.ComponentModel;
using System.Globalization;
using ReliableKafka.DeadLetters;
using ReliableKafka.Cli.Common;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Dlq;

/// <summary><c>rk dlq show LETTER</c>: one dead letter, its key, value and every header decoded, and its replays.</summary>
internal sealed class DlqShowCommand(IAnsiConsole console, StandardError standardError) : DlqCommand<DlqShowCommand.Settings>(console, standardError)
{
    public sealed class Settings : DlqSettings
    {
        [CommandArgument(0, "<LETTER>")]
        [Description("The dead letter, as rk dlq list shows it: PARTITION:OFFSET in the dead-letter topic (0:42), or spill:ID in the --spill file.")]
        public string Letter { get; init; } = "";

        /// <summary>The spill row id when <see cref="Letter"/> is spill:ID.</summary>
        public long? SpillId => Letter.StartsWith("spill:", StringComparison.Ordinal)
            && long.TryParse(Letter.AsSpan("spill:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

        /// <summary>The position when <see cref="Letter"/> is PARTITION:OFFSET.</summary>
        public OffsetRange? Position => OffsetRange.Parse(Letter) is { } range && range.From == range.To ? range : null;

        public override ValidationResult Validate()
        {
            if (SpillId is null && Position is null)
            {
                return ValidationResult.Error($"LETTER '{Letter}' is not PARTITION:OFFSET (for example 0:42) or spill:ID (for example spill:3), as rk dlq list shows it.");
            }

            if (SpillId is not null && Spill is null)
            {
                return ValidationResult.Error($"{Letter} is in a spill file: give it with --spill PATH.");
            }

            return base.Validate();
        }
    }

    protected override string Name => "show";

    protected override Task<int> RunAsync(DeadLetterStore store, Settings settings, CancellationToken cancellationToken)
    {
        var (letter, replays) = settings.SpillId is { } id
            ? (store.LoadSpilled(id), (IReadOnlyList<ReplayMark>)[])
            : store.LoadOne(settings.Position!.Partition, settings.Position.From);
        var redactor = store.Connection.Redactor;
        if (settings.Json)
        {
            Console.WriteRaw(ReportJson.Serialize(new DlqShowDocument(store.Topic, DlqJson.Detail(letter, replays, redactor))));
            return Task.FromResult(DlqExitCodes.Done);
        }

        var where = letter.Source == DeadLetterSource.Topic ? $"{store.Topic} {LetterText.Id(letter)}" : $"{LetterText.Id(letter)} in the spill {settings.Spill}";
        Console.WriteRaw(redactor.Redact($"Dead letter {where} (rk-replay-of {letter.Location})"));
        var facts = new Grid().AddColumn().AddColumn();
        void Fact(string name, string value) => facts.AddRow(new Text(name), Cell(redactor, value));
        Fact("Original topic", letter.OriginalPartition >= 0 ? $"{letter.OriginalTopic} (partition {letter.OriginalPartition})" : $"{letter.OriginalTopic} (no partition assigned)");
        Fact("Error", letter.ErrorCode);
        Fact("Reason", letter.Reason);
        Fact("Failed at", LetterText.FailedAt(letter) ?? "?");
        Fact("Attempts", letter.Attempts.ToString(CultureInfo.InvariantCulture));
        Fact("Event id", letter.EventId ?? "");
        Fact("Replayed", letter.Source == DeadLetterSource.Spill
            ? "no (a spilled letter leaves the spill when it is replayed)"
            : replays.Count == 0 ? "no" : string.Join("; ", replays.Select(static r => r.Describe())));
        Fact("Key", LetterText.ForText(letter.Key));
        Fact("Value", LetterText.ForText(letter.Value));
        Console.Write(facts);

        var headers = new Table().Border(TableBorder.Rounded).AddColumns("Header", "Value", "Encoding", "Added by");
        foreach (var header in letter.StoredHeaders)
        {
            var decoded = LetterText.Decode(header.Key, header.GetValueBytes());
            headers.AddRow(
                Cell(redactor, decoded.Name),
                Cell(redactor, LetterText.ForText(decoded)),
                Cell(redactor, decoded.Encoding),
                Cell(redactor, decoded.DeadLetter ? "dead-lettering" : "application"));
        }

        Console.Write(headers);
        return Task.FromResult(DlqExitCodes.Done);
    }
}
