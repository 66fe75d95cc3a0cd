using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary><c>rk fault list</c>: the faults in force (GET /faults).</summary>
internal sealed class ListCommand : FaultCommand<FaultSettings>
{
    protected override ControlRequest Request(CommandContext context, FaultSettings settings) => ControlRequest.Get("/faults");

    protected override void Render(CommandContext context, FaultSettings settings, JsonElement answer)
    {
        if (answer.GetArrayLength() == 0)
        {
            FaultOutput.Line("no faults in force");
            return;
        }

        var table = new Table().AddColumns("Id", "Kind", "Broker", "Remaining", "Description");
        foreach (var fault in answer.EnumerateArray())
        {
            table.AddRow(
                new Text(FaultOutput.Text(fault, "id")),
                new Text(FaultOutput.Text(fault, "kind")),
                new Text(FaultOutput.Text(fault, "broker")),
                new Text(FaultOutput.Text(fault, "remaining")),
                new Text(FaultOutput.Text(fault, "description")));
        }

        AnsiConsole.Write(table);
    }
}
