namespace ReliableKafka.Simulator.Protocol;

/// <summary>HeartbeatRequest (API key 12), versions 0-3; layout from HeartbeatRequest.json.</summary>
internal sealed class HeartbeatRequest : IKafkaMessage<HeartbeatRequest>
{
    public static ApiKey ApiKey => ApiKey.Heartbeat;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The group id.</summary>
    public string GroupId { get; set; } = string.Empty;

    /// <summary>The generation of the group.</summary>
    public int GenerationId { get; set; }

    /// <summary>The member ID.</summary>
    public string MemberId { get; set; } = string.Empty;

    /// <summary>The unique identifier of the consumer instance provided by end user. Versions 3+.</summary>
    public string? GroupInstanceId { get; set; }

    public static HeartbeatRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new HeartbeatRequest();
        result.GroupId = reader.ReadString("HeartbeatRequest.GroupId");
        result.GenerationId = reader.ReadInt32("HeartbeatRequest.GenerationId");
        result.MemberId = reader.ReadString("HeartbeatRequest.MemberId");
        if (version >= 3)
        {
            result.GroupInstanceId = reader.ReadNullableString("HeartbeatRequest.GroupInstanceId");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteString(GroupId);
        writer.WriteInt32(GenerationId);
        writer.WriteString(MemberId);
        if (version >= 3)
        {
            writer.WriteNullableString(GroupInstanceId);
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"HeartbeatRequest version {version} is not supported (0-3).");
        }
    }
}
