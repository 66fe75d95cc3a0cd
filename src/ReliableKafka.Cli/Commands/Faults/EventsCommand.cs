using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary><c>rk fault events</c>: the cluster's ground truth (GET /events), filtered.</summary>
internal sealed class EventsCommand : FaultCommand<EventsCommand.Settings>
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

    protected override ControlRequest Request(CommandContext context, Settings settings)
    {
        var query = new StringBuilder("/events");
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Append(query.Length == "/events".Length ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        Add("kind", settings.Kind);
        Add("topic", settings.Topic);
        Add("partition", settings.Partition?.ToString(CultureInfo.InvariantCulture));
        Add("broker", settings.Broker?.ToString(CultureInfo.InvariantCulture));
        Add("since", settings.Since?.ToString(CultureInfo.InvariantCulture));
        return ControlRequest.Get(query.ToString());
    }

    protected override void Render(CommandContext context, Settings settings, JsonElement answer)
    {
        if (answer.GetArrayLength() == 0)
        {
            FaultOutput.Line("no events");
            return;
        }

        var table = new Table().AddColumns("Seq", "Time", "Kind", "Partition", "Broker", "Offsets", "Epoch", "Detail");
        foreach (var e in answer.EnumerateArray())
        {
            var topic = FaultOutput.Text(e, "topic");
            var partition = Number(e, "partition");
            var first = Number(e, "firstOffset");
            var last = Number(e, "lastOffset");
            table.AddRow(
                new Text(FaultOutput.Text(e, "sequence")),
                new Text(e.TryGetProperty("at", out var at) && at.TryGetDateTimeOffset(out var time) ? time.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : ""),
                new Text(FaultOutput.Text(e, "kind")),
                new Text(topic.Length == 0 ? "" : partition < 0 ? topic : $"{topic}[{partition}]"),
                new Text(Number(e, "broker") is var broker and >= 0 ? broker.ToString(CultureInfo.InvariantCulture) : ""),
                new Text(first < 0 ? "" : first == last || last < 0 ? first.ToString(CultureInfo.InvariantCulture) : $"{first}-{last}"),
                new Text(Number(e, "leaderEpoch") is var epoch and >= 0 ? epoch.ToString(CultureInfo.InvariantCulture) : ""),
                new Text(FaultOutput.Text(e, "detail")));
        }

        AnsiConsole.Write(table);
    }

    private static long Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : -1;
}
