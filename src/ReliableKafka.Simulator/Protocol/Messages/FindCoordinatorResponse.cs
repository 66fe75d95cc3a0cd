namespace ReliableKafka.Simulator.Protocol;

/// <summary>FindCoordinatorResponse (API key 10), versions 0-2; layout from FindCoordinatorResponse.json.</summary>
internal sealed class FindCoordinatorResponse : IKafkaMessage<FindCoordinatorResponse>
{
    public static ApiKey ApiKey => ApiKey.FindCoordinator;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 2;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 1+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The error code, or 0 if there was no error.</summary>
    public KafkaErrorCode ErrorCode { get; set; }

    /// <summary>The error message, or null if there was no error. Versions 1+.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The node id.</summary>
    public int NodeId { get; set; }

    /// <summary>The host name.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The port.</summary>
    public int Port { get; set; }

    public static FindCoordinatorResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new FindCoordinatorResponse();
        if (version >= 1)
        {
            result.ThrottleTimeMs = reader.ReadInt32("FindCoordinatorResponse.ThrottleTimeMs");
        }

        result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("FindCoordinatorResponse.ErrorCode");
        if (version >= 1)
        {
            result.ErrorMessage = reader.ReadNullableString("FindCoordinatorResponse.ErrorMessage");
        }

        result.NodeId = reader.ReadInt32("FindCoordinatorResponse.NodeId");
        result.Host = reader.ReadString("FindCoordinatorResponse.Host");
        result.Port = reader.ReadInt32("FindCoordinatorResponse.Port");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        if (version >= 1)
        {
            writer.WriteInt32(ThrottleTimeMs);
        }

        writer.WriteInt16((short)ErrorCode);
        if (version >= 1)
        {
            writer.WriteNullableString(ErrorMessage);
        }

        writer.WriteInt32(NodeId);
        writer.WriteString(Host);
        writer.WriteInt32(Port);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"FindCoordinatorResponse version {version} is not supported (0-2).");
        }
    }
}
