using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Control;

/// <summary>
/// The JSON contract of the control API, shared by the server (<see cref="ControlApi"/>) and the client
/// (<see cref="SimulatorControlClient"/>): camel-case properties, faults polymorphic on <c>"kind"</c>, API keys by
/// name, Kafka errors by name (a code is read too), and text left readable (quotes and apostrophes as they are).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, AllowOutOfOrderMetadataProperties = true, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true, Converters = [typeof(ApiKeyJsonConverter), typeof(KafkaErrorCodeJsonConverter)])]
[JsonSerializable(typeof(Fault))]
[JsonSerializable(typeof(FaultView))]
[JsonSerializable(typeof(IReadOnlyList<FaultView>))]
[JsonSerializable(typeof(BrokerStateView))]
[JsonSerializable(typeof(ResumeView))]
[JsonSerializable(typeof(LeaderRequest))]
[JsonSerializable(typeof(LeaderView))]
[JsonSerializable(typeof(ClearedView))]
[JsonSerializable(typeof(RemovedView))]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(IReadOnlyList<TruthEvent>))]
[JsonSerializable(typeof(ControlProblem))]
[JsonSerializable(typeof(ServicePanel))]
internal sealed partial class ControlJson : JsonSerializerContext
{
    /// <summary>The contract, writing text without escaping quotes and apostrophes (messages are read by people and scripts, not embedded in HTML).</summary>
    public static ControlJson Readable { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        AllowOutOfOrderMetadataProperties = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new ApiKeyJsonConverter(), new KafkaErrorCodeJsonConverter() },
    });
}

/// <summary>An API key as its name ("Produce"); any case is read, numbers are not.</summary>
internal sealed class ApiKeyJsonConverter : JsonConverter<ApiKey>
{
    public override ApiKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() ?? "" : null;
        return text is not null && text.Length > 0 && !char.IsAsciiDigit(text[0]) && !text.StartsWith('-')
            && Enum.TryParse<ApiKey>(text, ignoreCase: true, out var key) && Enum.IsDefined(key)
            ? key
            : throw new JsonException($"Unknown API '{text ?? "(not a string)"}'; use one of {string.Join(", ", Enum.GetNames<ApiKey>())}.");
    }

    public override void Write(Utf8JsonWriter writer, ApiKey value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

/// <summary>A Kafka error as Kafka names it ("NOT_ENOUGH_REPLICAS"); a name in either style or a code (19, "19") is read.</summary>
internal sealed class KafkaErrorCodeJsonConverter : JsonConverter<KafkaErrorCode>
{
    public override KafkaErrorCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string text;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetInt16(out var number))
            {
                throw new JsonException("A Kafka error code is a whole number such as 19.");
            }

            text = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            text = reader.TokenType == JsonTokenType.String ? reader.GetString() ?? "" : "";
        }

        return KafkaErrors.TryParse(text, out var code)
            ? code
            : throw new JsonException($"Unknown Kafka error '{text}'; give a name such as NOT_ENOUGH_REPLICAS or a code such as 19.");
    }

    public override void Write(Utf8JsonWriter writer, KafkaErrorCode value, JsonSerializerOptions options) => writer.WriteStringValue(KafkaErrors.Name(value));
}
