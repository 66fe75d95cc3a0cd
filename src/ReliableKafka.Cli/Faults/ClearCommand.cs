using System.ComponentModel;
using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary><c>rk fault clear [ID]</c>: ends one fault, or all of them (paused brokers resume; crashed brokers stay down).</summary>
internal sealed class ClearCommand(IAnsiConsole console, StandardError standardError) : FaultCommand<ClearCommand.Settings>(console, standardError)
{
    public sealed class Settings : FaultSettings
    {
        [CommandArgument(0, "[ID]")]
        [Description("The fault to end, as 'rk fault list' shows it. Default every fault.")]
        public string? Id { get; init; }
    }

    protected override Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        settings.Id is null
            ? Answer(control.ClearFaultsAsync(cancellationToken), cleared => Output.Line($"cleared {cleared.Cleared} fault(s)"))
            : Answer(control.RemoveFaultAsync(settings.Id, cancellationToken), removed => Output.Line($"removed {removed.Removed}"));
}
