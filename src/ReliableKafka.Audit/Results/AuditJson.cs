using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReliableKafka.Audit;

/// <summary>The JSON form of an <see cref="AuditReport"/> (schema in docs/audit.md): camelCase names, enums as camelCase strings.</summary>
public static class AuditJson
{
    /// <summary>The serializer options the report is written and read with.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Writes the report as indented JSON.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(AuditReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>Reads a report written by <see cref="Serialize"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The report.</returns>
    /// <exception cref="JsonException">The text is not a report.</exception>
    public static AuditReport Deserialize(string json) => JsonSerializer.Deserialize<AuditReport>(json, Options) ?? throw new JsonException("The JSON text holds no report.");
}
