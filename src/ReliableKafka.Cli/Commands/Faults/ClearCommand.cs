using System.ComponentModel;
using System.Text.Json;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary><c>rk fault clear [ID]</c>: ends one fault, or all of them (paused brokers resume; crashed brokers stay down).</summary>
internal sealed class ClearCommand : FaultCommand<ClearCommand.Settings>
{
    public sealed class Settings : FaultSettings
    {
        [CommandArgument(0, "[ID]")]
        [Description("The fault to end, as 'rk fault list' shows it. Default every fault.")]
        public string? Id { get; init; }
    }

    protected override ControlRequest Request(CommandContext context, Settings settings) =>
        settings.Id is null ? ControlRequest.Delete("/faults") : ControlRequest.Delete($"/faults/{ControlRequest.Segment(settings.Id)}");

    protected override void Render(CommandContext context, Settings settings, JsonElement answer) =>
        FaultOutput.Line(settings.Id is null ? $"cleared {FaultOutput.Text(answer, "cleared")} fault(s)" : $"removed {settings.Id}");
}
