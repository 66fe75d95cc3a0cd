using System.Globalization;
using System.Text.Json;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary>The short human lines of <c>rk fault</c>.</summary>
internal static class FaultOutput
{
    public static void Line(string text) => Console.Out.WriteLine(text);

    /// <summary>A fault the control API added: its id, what it does, and how it ends.</summary>
    public static void Added(JsonElement fault, string? ends = null)
    {
        var id = Text(fault, "id");
        if (ends is null)
        {
            ends = fault.TryGetProperty("remaining", out var remaining) && remaining.ValueKind == JsonValueKind.Number
                ? $"it ends by itself once used {remaining.GetInt32().ToString(CultureInfo.InvariantCulture)} time(s), or with 'rk fault clear {id}'"
                : $"'rk fault clear {id}' ends it";
        }

        Line($"{id}: {Text(fault, "description")}; {ends}");
    }

    public static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? "",
            JsonValueKind.Null => "",
            _ => value.GetRawText(),
        } : "";
}
