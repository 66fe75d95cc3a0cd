using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary><c>rk fault hold-markers BROKER</c>: the hold-markers fault (a transaction coordinator that decides but does not write its markers).</summary>
internal sealed class HoldMarkersCommand(IAnsiConsole console, StandardError standardError) : FaultCommand<BrokerSettings>(console, standardError)
{
    protected override Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, BrokerSettings settings, CancellationToken cancellationToken) =>
        Answer(control.ApplyAsync(new HoldTransactionMarkers(settings.Broker), cancellationToken), fault => Output.Added(fault));
}
