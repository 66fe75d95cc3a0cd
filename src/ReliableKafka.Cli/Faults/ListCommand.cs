using System.Globalization;
using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary><c>rk fault list</c>: the faults in force (GET /faults).</summary>
internal sealed class ListCommand(IAnsiConsole console, StandardError standardError) : FaultCommand<FaultSettings>(console, standardError)
{
    protected override Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, FaultSettings settings, CancellationToken cancellationToken) =>
        Answer(control.GetFaultsAsync(cancellationToken), faults =>
        {
            if (faults.Count == 0)
            {
                Output.Line("no faults in force");
                return;
            }

            var table = new Table().AddColumns("Id", "Kind", "Broker", "Remaining", "Description");
            foreach (var fault in faults)
            {
                table.AddRow(
                    new Text(fault.Id),
                    new Text(fault.Kind),
                    new Text(fault.Broker.ToString(CultureInfo.InvariantCulture)),
                    new Text(fault.Remaining?.ToString(CultureInfo.InvariantCulture) ?? ""),
                    new Text(fault.Description));
            }

            Output.Write(table);
        });
}
