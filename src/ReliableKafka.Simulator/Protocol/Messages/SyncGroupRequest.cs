namespace ReliableKafka.Simulator.Protocol;

/// <summary>SyncGroupRequest (API key 14), versions 0-3; layout from SyncGroupRequest.json.</summary>
internal sealed class SyncGroupRequest : IKafkaMessage<SyncGroupRequest>
{
    public static ApiKey ApiKey => ApiKey.SyncGroup;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The unique group identifier.</summary>
    public string GroupId { get; set; } = string.Empty;

    /// <summary>The generation of the group.</summary>
    public int GenerationId { get; set; }

    /// <summary>The member ID assigned by the group.</summary>
    public string MemberId { get; set; } = string.Empty;

    /// <summary>The unique identifier of the consumer instance provided by end user. Versions 3+.</summary>
    public string? GroupInstanceId { get; set; }

    /// <summary>Each assignment.</summary>
    public List<SyncGroupRequestAssignment> Assignments { get; set; } = [];

    public static SyncGroupRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new SyncGroupRequest();
        result.GroupId = reader.ReadString("SyncGroupRequest.GroupId");
        result.GenerationId = reader.ReadInt32("SyncGroupRequest.GenerationId");
        result.MemberId = reader.ReadString("SyncGroupRequest.MemberId");
        if (version >= 3)
        {
            result.GroupInstanceId = reader.ReadNullableString("SyncGroupRequest.GroupInstanceId");
        }

        result.Assignments = reader.ReadArray<SyncGroupRequestAssignment>(version, "SyncGroupRequest.Assignments");

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

        writer.WriteArray(Assignments, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"SyncGroupRequest version {version} is not supported (0-3).");
        }
    }

    /// <summary>An element of SyncGroupRequest.Assignments.</summary>
    public sealed class SyncGroupRequestAssignment : IKafkaStruct<SyncGroupRequestAssignment>
    {
        /// <summary>The ID of the member to assign.</summary>
        public string MemberId { get; set; } = string.Empty;

        /// <summary>The member assignment.</summary>
        public ReadOnlyMemory<byte> Assignment { get; set; }

        public static SyncGroupRequestAssignment Read(ref KafkaReader reader, short version)
        {
            var result = new SyncGroupRequestAssignment();
            result.MemberId = reader.ReadString("SyncGroupRequestAssignment.MemberId");
            result.Assignment = reader.ReadBytes("SyncGroupRequestAssignment.Assignment");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(MemberId);
            writer.WriteBytes(Assignment.Span);
        }
    }
}
