namespace ReliableKafka.Simulator.Protocol;

/// <summary>ApiVersionsRequest (API key 18), versions 0-3; layout from ApiVersionsRequest.json.</summary>
internal sealed class ApiVersionsRequest : IKafkaMessage<ApiVersionsRequest>
{
    public static ApiKey ApiKey => ApiKey.ApiVersions;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The name of the client. Versions 3+.</summary>
    public string ClientSoftwareName { get; set; } = string.Empty;

    /// <summary>The version of the client. Versions 3+.</summary>
    public string ClientSoftwareVersion { get; set; } = string.Empty;

    public static ApiVersionsRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        var result = new ApiVersionsRequest();
        if (version >= 3)
        {
            result.ClientSoftwareName = flexible ? reader.ReadCompactString("ApiVersionsRequest.ClientSoftwareName") : reader.ReadString("ApiVersionsRequest.ClientSoftwareName");
            result.ClientSoftwareVersion = flexible ? reader.ReadCompactString("ApiVersionsRequest.ClientSoftwareVersion") : reader.ReadString("ApiVersionsRequest.ClientSoftwareVersion");
        }

        if (flexible)
        {
            reader.SkipTaggedFields("ApiVersionsRequest tagged fields");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        if (version >= 3)
        {
            if (flexible)
            {
                writer.WriteCompactString(ClientSoftwareName);
            }
            else
            {
                writer.WriteString(ClientSoftwareName);
            }

            if (flexible)
            {
                writer.WriteCompactString(ClientSoftwareVersion);
            }
            else
            {
                writer.WriteString(ClientSoftwareVersion);
            }
        }

        if (flexible)
        {
            writer.WriteEmptyTaggedFields();
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"ApiVersionsRequest version {version} is not supported (0-3).");
        }
    }
}
