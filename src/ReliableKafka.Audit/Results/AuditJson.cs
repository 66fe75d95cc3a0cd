using System.Text.Json;

namespace ReliableKafka.Audit;

/// <summary>
/// The JSON form of an <see cref="AuditReport"/> (schema in docs/schemas/audit.schema.json, described in
/// docs/audit.md): camelCase names, enums as camelCase strings, null members left out; written and read by the
/// source-generated <see cref="AuditJsonContext"/>.
/// </summary>
public static class AuditJson
{
    /// <summary>The serializer options the report is written and read with (those of <see cref="AuditJsonContext"/>).</summary>
    public static JsonSerializerOptions Options => AuditJsonContext.Default.Options;

    /// <summary>Writes the report as indented JSON.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(AuditReport report) => JsonSerializer.Serialize(report, AuditJsonContext.Default.AuditReport);

    /// <summary>Reads a report written by <see cref="Serialize"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The report.</returns>
    /// <exception cref="JsonException">The text is not a report.</exception>
    public static AuditReport Deserialize(string json) =>
        JsonSerializer.Deserialize(json, AuditJsonContext.Default.AuditReport) ?? throw new JsonException("The JSON text holds no report.");
}
