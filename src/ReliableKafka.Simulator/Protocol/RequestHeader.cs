namespace ReliableKafka.Simulator.Protocol;

/// <summary>
/// The request header. v1 (non-flexible request versions): key, version, correlation id, nullable int16-length
/// client id. v2 (flexible versions): the same, with the client id still an int16-length string, then tagged fields.
/// </summary>
internal sealed record RequestHeader(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId)
{
    /// <summary>2 when the request version is flexible, otherwise 1.</summary>
    public short HeaderVersion => ApiVersioning.RequestHeaderVersion(ApiKey, ApiVersion);

    /// <summary>Reads a header from the start of a frame body, leaving the reader at the request body.</summary>
    public static RequestHeader Read(ref KafkaReader reader)
    {
        var apiKey = (ApiKey)reader.ReadInt16("RequestApiKey");
        var apiVersion = reader.ReadInt16("RequestApiVersion");
        var correlationId = reader.ReadInt32("CorrelationId");
        var clientId = reader.ReadNullableString("ClientId");
        if (ApiVersioning.IsFlexible(apiKey, apiVersion))
        {
            reader.SkipTaggedFields("RequestHeader tagged fields");
        }

        return new RequestHeader(apiKey, apiVersion, correlationId, clientId);
    }

    public void Write(KafkaWriter writer)
    {
        writer.WriteInt16((short)ApiKey);
        writer.WriteInt16(ApiVersion);
        writer.WriteInt32(CorrelationId);
        writer.WriteNullableString(ClientId);
        if (ApiVersioning.IsFlexible(ApiKey, ApiVersion))
        {
            writer.WriteEmptyTaggedFields();
        }
    }
}
