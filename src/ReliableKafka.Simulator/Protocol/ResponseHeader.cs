namespace ReliableKafka.Simulator.Protocol;

/// <summary>
/// The response header: v0 is the correlation id alone; v1 (flexible versions) adds an empty tagged-field section.
/// ApiVersions responses always use v0, whatever their version.
/// </summary>
internal static class ResponseHeader
{
    public static void Write(KafkaWriter writer, ApiKey apiKey, short apiVersion, int correlationId)
    {
        writer.WriteInt32(correlationId);
        if (ApiVersioning.ResponseHeaderVersion(apiKey, apiVersion) >= 1)
        {
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>Reads the header of a response to a request of the given key and version; returns its correlation id.</summary>
    public static int Read(ref KafkaReader reader, ApiKey apiKey, short apiVersion)
    {
        var correlationId = reader.ReadInt32("CorrelationId");
        if (ApiVersioning.ResponseHeaderVersion(apiKey, apiVersion) >= 1)
        {
            reader.SkipTaggedFields("ResponseHeader tagged fields");
        }

        return correlationId;
    }
}
