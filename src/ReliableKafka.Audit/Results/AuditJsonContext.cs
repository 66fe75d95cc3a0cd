using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReliableKafka.Audit;

/// <summary>The contract of the audit report, serialized by source generation (see <see cref="AuditJson"/>).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CamelCaseEnumConverter<Verdict>), typeof(CamelCaseEnumConverter<Expectation>)])]
[JsonSerializable(typeof(AuditReport))]
public sealed partial class AuditJsonContext : JsonSerializerContext;

/// <summary>Writes and reads an enum as its camelCase name (<c>unexpected</c>, <c>allowed</c>).</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
internal sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
