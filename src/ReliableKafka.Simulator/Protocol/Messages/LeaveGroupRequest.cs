namespace ReliableKafka.Simulator.Protocol;

/// <summary>LeaveGroupRequest (API key 13), versions 0-2; layout from LeaveGroupRequest.json.</summary>
internal sealed class LeaveGroupRequest : IKafkaMessage<LeaveGroupRequest>
{
    public static ApiKey ApiKey => ApiKey.LeaveGroup;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 2;

    /// <summary>The ID of the group to leave.</summary>
    public string GroupId { get; set; } = string.Empty;

    /// <summary>The member ID to remove from the group.</summary>
    public string MemberId { get; set; } = string.Empty;

    public static LeaveGroupRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new LeaveGroupRequest();
        result.GroupId = reader.ReadString("LeaveGroupRequest.GroupId");
        result.MemberId = reader.ReadString("LeaveGroupRequest.MemberId");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteString(GroupId);
        writer.WriteString(MemberId);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"LeaveGroupRequest version {version} is not supported (0-2).");
        }
    }
}
