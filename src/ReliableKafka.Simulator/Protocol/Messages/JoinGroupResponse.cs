namespace ReliableKafka.Simulator.Protocol;

/// <summary>JoinGroupResponse (API key 11), versions 0-5; layout from JoinGroupResponse.json.</summary>
internal sealed class JoinGroupResponse : IKafkaMessage<JoinGroupResponse>
{
    public static ApiKey ApiKey => ApiKey.JoinGroup;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 5;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 2+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The error code, or 0 if there was no error.</summary>
    public KafkaErrorCode ErrorCode { get; set; }

    /// <summary>The generation ID of the group.</summary>
    public int GenerationId { get; set; } = -1;

    /// <summary>The group protocol selected by the coordinator.</summary>
    public string ProtocolName { get; set; } = string.Empty;

    /// <summary>The leader of the group.</summary>
    public string Leader { get; set; } = string.Empty;

    /// <summary>The member ID assigned by the group coordinator.</summary>
    public string MemberId { get; set; } = string.Empty;

    /// <summary></summary>
    public List<JoinGroupResponseMember> Members { get; set; } = [];

    public static JoinGroupResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new JoinGroupResponse();
        if (version >= 2)
        {
            result.ThrottleTimeMs = reader.ReadInt32("JoinGroupResponse.ThrottleTimeMs");
        }

        result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("JoinGroupResponse.ErrorCode");
        result.GenerationId = reader.ReadInt32("JoinGroupResponse.GenerationId");
        result.ProtocolName = reader.ReadString("JoinGroupResponse.ProtocolName");
        result.Leader = reader.ReadString("JoinGroupResponse.Leader");
        result.MemberId = reader.ReadString("JoinGroupResponse.MemberId");
        result.Members = reader.ReadArray<JoinGroupResponseMember>(version, "JoinGroupResponse.Members");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        if (version >= 2)
        {
            writer.WriteInt32(ThrottleTimeMs);
        }

        writer.WriteInt16((short)ErrorCode);
        writer.WriteInt32(GenerationId);
        writer.WriteString(ProtocolName);
        writer.WriteString(Leader);
        writer.WriteString(MemberId);
        writer.WriteArray(Members, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"JoinGroupResponse version {version} is not supported (0-5).");
        }
    }

    /// <summary>An element of JoinGroupResponse.Members.</summary>
    public sealed class JoinGroupResponseMember : IKafkaStruct<JoinGroupResponseMember>
    {
        /// <summary>The group member ID.</summary>
        public string MemberId { get; set; } = string.Empty;

        /// <summary>The unique identifier of the consumer instance provided by end user. Versions 5+.</summary>
        public string? GroupInstanceId { get; set; }

        /// <summary>The group member metadata.</summary>
        public ReadOnlyMemory<byte> Metadata { get; set; }

        public static JoinGroupResponseMember Read(ref KafkaReader reader, short version)
        {
            var result = new JoinGroupResponseMember();
            result.MemberId = reader.ReadString("JoinGroupResponseMember.MemberId");
            if (version >= 5)
            {
                result.GroupInstanceId = reader.ReadNullableString("JoinGroupResponseMember.GroupInstanceId");
            }

            result.Metadata = reader.ReadBytes("JoinGroupResponseMember.Metadata");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(MemberId);
            if (version >= 5)
            {
                writer.WriteNullableString(GroupInstanceId);
            }

            writer.WriteBytes(Metadata.Span);
        }
    }
}
