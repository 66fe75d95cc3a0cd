using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ReliableKafka.Cli.Common;

/// <summary>
/// Writes rk's JSON documents from their contracts (<see cref="ReportJsonContext"/>): indented, camelCase, nulls
/// written, and quotes and apostrophes not escaped, so messages read as written.
/// </summary>
internal static class ReportJson
{
    /// <summary>The options every document is written with.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        TypeInfoResolver = ReportJsonContext.Default,
    };

    public static string Serialize<T>(T document) => JsonSerializer.Serialize(document, (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)));
}
