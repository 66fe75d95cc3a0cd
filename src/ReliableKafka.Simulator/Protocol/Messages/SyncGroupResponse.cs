namespace ReliableKafka.Simulator.Protocol;

/// <summary>SyncGroupResponse (API key 14), versions 0-3; layout from SyncGroupResponse.json.</summary>
internal sealed class SyncGroupResponse : IKafkaMessage<SyncGroupResponse>
{
    public static ApiKey ApiKey => ApiKey.SyncGroup;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 1+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The error code, or 0 if there was no error.</summary>
    public KafkaErrorCode ErrorCode { get; set; }

    /// <summary>The member assignment.</summary>
    public ReadOnlyMemory<byte> Assignment { get; set; }

    public static SyncGroupResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new SyncGroupResponse();
        if (version >= 1)
        {
            result.ThrottleTimeMs = reader.ReadInt32("SyncGroupResponse.ThrottleTimeMs");
        }

        result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("SyncGroupResponse.ErrorCode");
        result.Assignment = reader.ReadBytes("SyncGroupResponse.Assignment");

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
        writer.WriteBytes(Assignment.Span);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"SyncGroupResponse version {version} is not supported (0-3).");
        }
    }
}
