namespace ReliableKafka.Simulator.Protocol;

/// <summary>HeartbeatResponse (API key 12), versions 0-3; layout from HeartbeatResponse.json.</summary>
internal sealed class HeartbeatResponse : IKafkaMessage<HeartbeatResponse>
{
    public static ApiKey ApiKey => ApiKey.Heartbeat;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 1+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The error code, or 0 if there was no error.</summary>
    public KafkaErrorCode ErrorCode { get; set; }

    public static HeartbeatResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new HeartbeatResponse();
        if (version >= 1)
        {
            result.ThrottleTimeMs = reader.ReadInt32("HeartbeatResponse.ThrottleTimeMs");
        }

        result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("HeartbeatResponse.ErrorCode");

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
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"HeartbeatResponse version {version} is not supported (0-3).");
        }
    }
}
