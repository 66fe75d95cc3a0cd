using System.Text.Json.Nodes;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary>One call to the control API: a method, a path with its query, and an optional JSON body.</summary>
internal sealed record ControlRequest(HttpMethod Method, string Path, JsonObject? Body = null)
{
    public static ControlRequest Get(string path) => new(HttpMethod.Get, path);

    public static ControlRequest Post(string path, JsonObject? body = null) => new(HttpMethod.Post, path, body);

    public static ControlRequest Delete(string path) => new(HttpMethod.Delete, path);

    /// <summary>A POST /faults with this body.</summary>
    public static ControlRequest AddFault(JsonObject body) => Post("/faults", body);

    /// <summary>A path segment, escaped.</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);
}
