namespace ReliableKafka.Simulator.Protocol;

/// <summary>LeaveGroupResponse (API key 13), versions 0-2; layout from LeaveGroupResponse.json.</summary>
internal sealed class LeaveGroupResponse : IKafkaMessage<LeaveGroupResponse>
{
    public static ApiKey ApiKey => ApiKey.LeaveGroup;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 2;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 1+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The error code, or 0 if there was no error.</summary>
    public KafkaErrorCode ErrorCode { get; set; }

    public static LeaveGroupResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new LeaveGroupResponse();
        if (version >= 1)
        {
            result.ThrottleTimeMs = reader.ReadInt32("LeaveGroupResponse.ThrottleTimeMs");
        }

        result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("LeaveGroupResponse.ErrorCode");

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
            throw new KafkaProtocolException($"LeaveGroupResponse version {version} is not supported (0-2).");
        }
    }
}
