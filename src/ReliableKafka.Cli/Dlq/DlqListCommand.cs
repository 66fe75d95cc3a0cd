using ReliableKafka.DeadLetters;
using ReliableKafka.Cli.Common;
using Spectre.Console;

namespace ReliableKafka.Cli.Dlq;

/// <summary><c>rk dlq list</c>: the dead letters with their original topic, error, time, attempts and replays.</summary>
internal sealed class DlqListCommand(IAnsiConsole console, StandardError standardError) : DlqCommand<DlqSelectionSettings>(console, standardError)
{
    protected override string Name => "list";

    protected override Task<int> RunAsync(DeadLetterStore store, DlqSelectionSettings settings, CancellationToken cancellationToken)
    {
        var selection = settings.Selection;
        var snapshot = store.Load(selection);
        var redactor = store.Connection.Redactor;
        var letters = snapshot.Letters;
        var replayed = letters.Count(l => snapshot.ReplaysOf(l).Any());
        if (settings.Json)
        {
            Console.WriteRaw(ReportJson.Serialize(new DlqListDocument(
                store.Topic,
                snapshot.TopicExists,
                store.MarkTopic,
                settings.Spill is null ? null : Path.GetFullPath(settings.Spill),
                new DlqSelectionDocument(selection.OriginalTopic, selection.ErrorCode, selection.Offsets?.ToString()),
                letters.Count,
                replayed,
                [.. letters.Select(l => DlqJson.Summary(l, snapshot.ReplaysOf(l), redactor))])));
            return Task.FromResult(DlqExitCodes.Done);
        }

        if (letters.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Letter", "Original topic", "Error", "Failed at (UTC)", "Attempts", "Event id", "Replayed");
            foreach (var letter in letters)
            {
                var replays = snapshot.ReplaysOf(letter).ToList();
                var mark = replays.Count == 0 ? "no" : replays.Count == 1 ? $"yes, to {replays[0].Describe()}" : $"{replays.Count} times, last to {replays[^1].Describe()}";
                table.AddRow(
                    Cell(redactor, LetterText.Id(letter)),
                    Cell(redactor, letter.OriginalPartition >= 0 ? $"{letter.OriginalTopic} [{letter.OriginalPartition}]" : letter.OriginalTopic),
                    Cell(redactor, letter.ErrorCode),
                    Cell(redactor, LetterText.FailedAt(letter) ?? "?"),
                    Cell(redactor, letter.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    Cell(redactor, letter.EventId ?? ""),
                    Cell(redactor, letter.Source == DeadLetterSource.Spill ? "no (spilled)" : mark));
            }

            Console.Write(table);
        }

        var where = snapshot.TopicExists ? store.Topic : $"{store.Topic} (no such topic)";
        var spill = settings.Spill is null ? "" : $" and the spill {Path.GetFullPath(settings.Spill)}";
        var filtered = selection.IsEmpty ? "" : " matching the selection";
        Console.WriteRaw(redactor.Redact($"{letters.Count} dead letter(s){filtered} in {where}{spill}; {replayed} already replayed (marks in {store.MarkTopic})."));
        return Task.FromResult(DlqExitCodes.Done);
    }
}
