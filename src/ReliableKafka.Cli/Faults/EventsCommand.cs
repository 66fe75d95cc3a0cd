using System.ComponentModel;
using System.Globalization;
using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary><c>rk fault events</c>: the cluster's ground truth (GET /events), filtered.</summary>
internal sealed class EventsCommand(IAnsiConsole console, StandardError standardError) : FaultCommand<EventsCommand.Settings>(console, standardError)
{
    public sealed class Settings : FaultSettings
    {
        [CommandOption("--kind <KIND>")]
        [Description("Only this kind: Appended, Deduplicated, Acknowledged, Truncated, Elected, IsrChanged, BrokerStateChanged, ResponseDropped, ErrorInjected or Refused.")]
        public string? Kind { get; init; }

        [CommandOption("--topic <TOPIC>")]
        [Description("Only this topic.")]
        public string? Topic { get; init; }

        [CommandOption("--partition <PARTITION>")]
        [Description("Only this partition.")]
        public int? Partition { get; init; }

        [CommandOption("--broker <BROKER>")]
        [Description("Only events about this broker.")]
        public int? Broker { get; init; }

        [CommandOption("--since <SEQ>")]
        [Description("Only events after this sequence number (the Seq column), to follow on from an earlier call.")]
        public long? Since { get; init; }
    }

    protected override Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        Answer(control.GetEventsAsync(new EventQuery(settings.Kind, settings.Topic, settings.Partition, settings.Broker, settings.Since), cancellationToken), events =>
        {
            if (events.Count == 0)
            {
                Output.Line("no events");
                return;
            }

            var table = new Table().AddColumns("Seq", "Time", "Kind", "Partition", "Broker", "Offsets", "Epoch", "Detail");
            foreach (var e in events)
            {
                table.AddRow(
                    new Text(e.Sequence.ToString(CultureInfo.InvariantCulture)),
                    new Text(e.At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)),
                    new Text(e.Kind.ToString()),
                    new Text(e.Topic is null ? "" : e.Partition < 0 ? e.Topic : $"{e.Topic}[{e.Partition}]"),
                    new Text(e.Broker >= 0 ? e.Broker.ToString(CultureInfo.InvariantCulture) : ""),
                    new Text(e.FirstOffset < 0 ? "" : e.FirstOffset == e.LastOffset || e.LastOffset < 0 ? e.FirstOffset.ToString(CultureInfo.InvariantCulture) : $"{e.FirstOffset}-{e.LastOffset}"),
                    new Text(e.LeaderEpoch >= 0 ? e.LeaderEpoch.ToString(CultureInfo.InvariantCulture) : ""),
                    new Text(e.Detail ?? ""));
            }

            Output.Write(table);
        });
}
