using System.Globalization;
using ReliableKafka.Simulator.Control;

namespace ReliableKafka.Cli.Faults;

/// <summary>The short human lines of <c>rk fault</c>.</summary>
internal static class FaultOutput
{
    public static void Line(string text) => Console.Out.WriteLine(text);

    /// <summary>A fault the control API added: its id, what it does, and how it ends.</summary>
    public static void Added(FaultView fault, string? ends = null)
    {
        ends ??= fault.Remaining is { } remaining
            ? $"it ends by itself once used {remaining.ToString(CultureInfo.InvariantCulture)} time(s), or with 'rk fault clear {fault.Id}'"
            : $"'rk fault clear {fault.Id}' ends it";
        Line($"{fault.Id}: {fault.Description}; {ends}");
    }
}
