namespace ReliableKafka.Simulator.Protocol;

/// <summary>JoinGroupRequest (API key 11), versions 0-5; layout from JoinGroupRequest.json.</summary>
internal sealed class JoinGroupRequest : IKafkaMessage<JoinGroupRequest>
{
    public static ApiKey ApiKey => ApiKey.JoinGroup;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 5;

    /// <summary>The group identifier.</summary>
    public string GroupId { get; set; } = string.Empty;

    /// <summary>The coordinator considers the consumer dead if it receives no heartbeat after this timeout in milliseconds.</summary>
    public int SessionTimeoutMs { get; set; }

    /// <summary>The maximum time in milliseconds that the coordinator will wait for each member to rejoin when rebalancing the group. Versions 1+.</summary>
    public int RebalanceTimeoutMs { get; set; } = -1;

    /// <summary>The member id assigned by the group coordinator.</summary>
    public string MemberId { get; set; } = string.Empty;

    /// <summary>The unique identifier of the consumer instance provided by end user. Versions 5+.</summary>
    public string? GroupInstanceId { get; set; }

    /// <summary>The unique name the for class of protocols implemented by the group we want to join.</summary>
    public string ProtocolType { get; set; } = string.Empty;

    /// <summary>The list of protocols that the member supports.</summary>
    public List<JoinGroupRequestProtocol> Protocols { get; set; } = [];

    public static JoinGroupRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new JoinGroupRequest();
        result.GroupId = reader.ReadString("JoinGroupRequest.GroupId");
        result.SessionTimeoutMs = reader.ReadInt32("JoinGroupRequest.SessionTimeoutMs");
        if (version >= 1)
        {
            result.RebalanceTimeoutMs = reader.ReadInt32("JoinGroupRequest.RebalanceTimeoutMs");
        }

        result.MemberId = reader.ReadString("JoinGroupRequest.MemberId");
        if (version >= 5)
        {
            result.GroupInstanceId = reader.ReadNullableString("JoinGroupRequest.GroupInstanceId");
        }

        result.ProtocolType = reader.ReadString("JoinGroupRequest.ProtocolType");
        result.Protocols = reader.ReadArray<JoinGroupRequestProtocol>(version, "JoinGroupRequest.Protocols");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteString(GroupId);
        writer.WriteInt32(SessionTimeoutMs);
        if (version >= 1)
        {
            writer.WriteInt32(RebalanceTimeoutMs);
        }

        writer.WriteString(MemberId);
        if (version >= 5)
        {
            writer.WriteNullableString(GroupInstanceId);
        }

        writer.WriteString(ProtocolType);
        writer.WriteArray(Protocols, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"JoinGroupRequest version {version} is not supported (0-5).");
        }
    }

    /// <summary>An element of JoinGroupRequest.Protocols.</summary>
    public sealed class JoinGroupRequestProtocol : IKafkaStruct<JoinGroupRequestProtocol>
    {
        /// <summary>The protocol name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The protocol metadata.</summary>
        public ReadOnlyMemory<byte> Metadata { get; set; }

        public static JoinGroupRequestProtocol Read(ref KafkaReader reader, short version)
        {
            var result = new JoinGroupRequestProtocol();
            result.Name = reader.ReadString("JoinGroupRequestProtocol.Name");
            result.Metadata = reader.ReadBytes("JoinGroupRequestProtocol.Metadata");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteBytes(Metadata.Span);
        }
    }
}
