using System.Globalization;
using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReliableKafka.Cli.Faults;

/// <summary>What <c>rk fault</c> prints on standard output: short lines as they are, tables, and JSON answers.</summary>
internal sealed class FaultOutput(IAnsiConsole console)
{
    /// <summary>One line, as it is (no markup, no wrapping).</summary>
    public void Line(string text) => console.WriteRaw(text);

    /// <summary>A table.</summary>
    public void Write(IRenderable table) => console.Write(table);

    /// <summary>A fault the control API added: its id, what it does, and how it ends.</summary>
    public void Added(FaultView fault, string? ends = null)
    {
        ends ??= fault.Remaining is { } remaining
            ? $"it ends by itself once used {remaining.ToString(CultureInfo.InvariantCulture)} time(s), or with 'rk fault clear {fault.Id}'"
            : $"'rk fault clear {fault.Id}' ends it";
        Line($"{fault.Id}: {fault.Description}; {ends}");
    }
}
