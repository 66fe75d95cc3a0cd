using System.ComponentModel;
using System.Globalization;
using ReliableKafka.DeadLetters;
using ReliableKafka.Cli.Common;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Dlq;

/// <summary>
/// <c>rk dlq replay</c>: publishes the selected dead letters to their original topics with the Critical profile
/// (the library's <see cref="DeadLetterReplayer"/>) and marks each replayed letter in the mark topic, so that a
/// second replay of it is refused unless forced.
/// </summary>
internal sealed class DlqReplayCommand(IAnsiConsole console, StandardError standardError) : DlqCommand<DlqReplayCommand.Settings>(console, standardError)
{
    public sealed class Settings : DlqSelectionSettings
    {
        [CommandOption("--all")]
        [Description("Select every dead letter (instead of --original-topic, --error or --offsets).")]
        public bool All { get; init; }

        [CommandOption("--force")]
        [Description("Replay letters that were already replayed, again.")]
        public bool Force { get; init; }

        [CommandOption("--skip-replayed")]
        [Description("Replay only the selected letters not yet replayed, and leave the others (instead of refusing).")]
        public bool SkipReplayed { get; init; }

        [CommandOption("--dry-run")]
        [Description("Print what would be replayed (and refused) and change nothing.")]
        public bool DryRun { get; init; }

        public override ValidationResult Validate()
        {
            var selects = OriginalTopic is not null || Error is not null || Offsets is not null;
            if (!selects && !All)
            {
                return ValidationResult.Error("Select what to replay with --original-topic, --error or --offsets (they combine), or --all for every dead letter.");
            }

            if (selects && All)
            {
                return ValidationResult.Error("--all selects every dead letter: leave out --original-topic, --error and --offsets, or leave out --all.");
            }

            if (Force && SkipReplayed)
            {
                return ValidationResult.Error("--force replays letters already replayed and --skip-replayed leaves them: give one of them.");
            }

            return base.Validate();
        }
    }

    protected override string Name => "replay";

    protected override async Task<int> RunAsync(DeadLetterStore store, Settings settings, CancellationToken cancellationToken)
    {
        var snapshot = store.Load(settings.Selection);
        var redactor = store.Connection.Redactor;
        var results = snapshot.Letters.Select(l => new Result(l, [.. snapshot.ReplaysOf(l)])).ToList();
        var already = results.Where(static r => r.Previous.Count > 0).ToList();
        var refused = already.Count > 0 && !settings.Force && !settings.SkipReplayed;
        foreach (var result in results)
        {
            result.Outcome = (result.Previous.Count > 0, refused, settings.SkipReplayed) switch
            {
                (true, true, _) => "refused",
                (false, true, _) => "not-replayed",
                (true, false, true) => "skipped",
                _ => settings.DryRun ? "would-replay" : "pending",
            };
        }

        var toReplay = results.Where(static r => r.Outcome == "pending").ToList();
        if (toReplay.Count > 0)
        {
            await ReplayAsync(store, snapshot, toReplay, settings.Force, cancellationToken).ConfigureAwait(false);
        }

        var failed = results.Count(static r => r.Outcome is "failed" or "replayed-unmarked");
        var exitCode = refused || failed > 0 ? DlqExitCodes.NotDone : DlqExitCodes.Done;
        if (settings.Json)
        {
            Console.WriteRaw(ReportJson.Serialize(Document(store, settings, results, exitCode, redactor)));
        }
        else
        {
            WriteText(store, settings, results, redactor);
        }

        if (refused)
        {
            var list = string.Join("; ", already.Select(static r => $"{LetterText.Id(r.Letter)} (to {r.Previous[^1].Describe()})"));
            var what = settings.DryRun ? "A replay would be refused" : "Refused";
            await StandardError.WriteLineAsync(redactor.Redact(
                $"rk dlq replay: {what}: {already.Count} of the {results.Count} selected dead letter(s) were already replayed: {list}. Nothing was replayed. "
                + "Add --force to replay them again, or --skip-replayed to replay only the others.")).ConfigureAwait(false);
        }
        else if (results.Count == 0)
        {
            await StandardError.WriteLineAsync($"rk dlq replay: no dead letters match the selection in {store.Topic}{(settings.Spill is null ? "" : " or the spill")}; nothing to replay.").ConfigureAwait(false);
        }

        foreach (var result in results.Where(static r => r.Outcome is "failed" or "replayed-unmarked"))
        {
            await StandardError.WriteLineAsync(redactor.Redact($"rk dlq replay: {LetterText.Id(result.Letter)}: {result.Error}")).ConfigureAwait(false);
        }

        return exitCode;
    }

    /// <summary>Replays each letter in turn, and marks it as soon as it is delivered.</summary>
    private static async Task ReplayAsync(DeadLetterStore store, DeadLetterSnapshot snapshot, List<Result> letters, bool forced, CancellationToken cancellationToken)
    {
        var connection = store.Connection;
        ReliableProducer<string, string>? marks = null;
        if (letters.Any(static r => r.Letter.Source == DeadLetterSource.Topic))
        {
            // Before anything is replayed: a replay that could not be marked could be replayed twice.
            await connection.EnsureTopicAsync(store.MarkTopic, snapshot.Metadata).ConfigureAwait(false);
            marks = new ReliableProducer<string, string>(new ReliableProducerOptions
            {
                Name = "rk-dlq-replay-marks",
                Profile = ReliabilityProfile.Critical,
                BootstrapServers = connection.BootstrapServers,
                Settings = new Dictionary<string, string?>(connection.Settings, StringComparer.OrdinalIgnoreCase),
                DeadLetters = new DeadLetterOptions { Enabled = false },
            });
        }

        var options = new DeadLetterOptions { Topic = store.Topic, SpillPath = store.SpillPath ?? ReliableProducerDefaults.SpillPath, OpenSpill = ReliableKafka.DeadLetters.Sqlite.SqliteDeadLetterSpill.Open };
        await using var replayer = new DeadLetterReplayer(connection.BootstrapServers, options, new Dictionary<string, string?>(connection.Settings));
        try
        {
            foreach (var result in letters)
            {
                var letter = result.Letter;
                var outcome = (await replayer.ReplayAsync([letter], cancellationToken).ConfigureAwait(false))[0];
                if (!outcome.IsDelivered)
                {
                    result.Outcome = "failed";
                    result.Error = $"not replayed: {outcome}";
                    continue;
                }

                result.Destination = (outcome.Topic, outcome.Partition, outcome.Offset);
                result.Outcome = "replayed";
                if (letter.Source != DeadLetterSource.Topic || marks is null)
                {
                    continue;
                }

                var mark = new ReplayMark(letter.Location, letter.EventId, outcome.Topic, outcome.Partition, outcome.Offset, DateTimeOffset.UtcNow, forced && result.Previous.Count > 0);
                var marked = await marks.PublishAsync(store.MarkTopic, letter.Location, mark.ToJson(), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!marked.IsDelivered)
                {
                    result.Outcome = "replayed-unmarked";
                    result.Error = $"replayed to {mark.Describe()}, but the mark in {store.MarkTopic} was not written ({marked}): a second replay of it would not be refused.";
                }
            }
        }
        finally
        {
            if (marks is not null)
            {
                await marks.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static DlqReplayDocument Document(DeadLetterStore store, Settings settings, List<Result> results, int exitCode, ReliableKafka.Configuration.SecretRedactor redactor) => new(
        store.Topic,
        store.MarkTopic,
        settings.DryRun,
        settings.Force,
        settings.SkipReplayed,
        exitCode,
        results.Count,
        results.Count(static r => r.Outcome is "replayed" or "replayed-unmarked"),
        results.Count(static r => r.Outcome == "refused"),
        results.Count(static r => r.Outcome is "failed" or "replayed-unmarked"),
        [.. results.Select(r => new ReplayedLetterDocument(
            LetterText.Id(r.Letter),
            r.Letter.Location,
            r.Letter.OriginalTopic,
            r.Letter.ErrorCode,
            r.Letter.EventId is null ? null : redactor.Redact(r.Letter.EventId),
            r.Outcome,
            r.Destination is { } to ? new DeliveredToDocument(to.Topic, to.Partition, to.Offset) : null,
            r.Error is null ? null : redactor.Redact(r.Error),
            [.. r.Previous.Select(DlqJson.Replay)]))]);

    private void WriteText(DeadLetterStore store, Settings settings, List<Result> results, ReliableKafka.Configuration.SecretRedactor redactor)
    {
        if (results.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Letter", "Original topic", "Error", "Result", "Detail");
            foreach (var result in results)
            {
                var detail = result.Destination is { } to ? $"{to.Topic}[{to.Partition.ToString(CultureInfo.InvariantCulture)}]@{to.Offset.ToString(CultureInfo.InvariantCulture)}"
                    : result.Previous.Count > 0 ? $"already replayed to {result.Previous[^1].Describe()}"
                    : "";
                if (result.Error is not null)
                {
                    detail = result.Error;
                }

                table.AddRow(
                    Cell(redactor, LetterText.Id(result.Letter)),
                    Cell(redactor, result.Letter.OriginalTopic),
                    Cell(redactor, result.Letter.ErrorCode),
                    Cell(redactor, result.Outcome),
                    Cell(redactor, detail));
            }

            Console.Write(table);
        }

        var count = (string outcome) => results.Count(r => r.Outcome == outcome);
        var summary = settings.DryRun
            ? $"Dry run: would replay {count("would-replay")} of {results.Count} selected dead letter(s) from {store.Topic} to their original topics with the Critical profile; {count("refused")} refused and {count("skipped")} skipped as already replayed. Nothing was changed."
            : $"Replayed {count("replayed") + count("replayed-unmarked")} of {results.Count} selected dead letter(s) from {store.Topic} to their original topics with the Critical profile (marks in {store.MarkTopic}); {count("refused")} refused and {count("skipped")} skipped as already replayed; {count("failed")} failed"
                + (count("replayed-unmarked") > 0 ? $"; {count("replayed-unmarked")} replayed but not marked." : ".");
        Console.WriteRaw(redactor.Redact(summary));
    }

    /// <summary>What became of one selected letter.</summary>
    private sealed class Result(DeadLetter letter, IReadOnlyList<ReplayMark> previous)
    {
        public DeadLetter Letter { get; } = letter;

        public IReadOnlyList<ReplayMark> Previous { get; } = previous;

        /// <summary>would-replay, replayed, refused, not-replayed, skipped, failed or replayed-unmarked.</summary>
        public string Outcome { get; set; } = "pending";

        public (string Topic, int Partition, long Offset)? Destination { get; set; }

        public string? Error { get; set; }
    }
}
