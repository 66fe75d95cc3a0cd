namespace ReliableKafka.Simulator.Protocol;

/// <summary>OffsetFetchRequest (API key 9), versions 0-5; layout from OffsetFetchRequest.json.</summary>
internal sealed class OffsetFetchRequest : IKafkaMessage<OffsetFetchRequest>
{
    public static ApiKey ApiKey => ApiKey.OffsetFetch;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 5;

    /// <summary>The group to fetch offsets for.</summary>
    public string GroupId { get; set; } = string.Empty;

    /// <summary>Each topic we would like to fetch offsets for, or null to fetch offsets for all topics.</summary>
    public List<OffsetFetchRequestTopic>? Topics { get; set; } = [];

    public static OffsetFetchRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new OffsetFetchRequest();
        result.GroupId = reader.ReadString("OffsetFetchRequest.GroupId");
        result.Topics = version >= 2 ? reader.ReadNullableArray<OffsetFetchRequestTopic>(version, "OffsetFetchRequest.Topics") : reader.ReadArray<OffsetFetchRequestTopic>(version, "OffsetFetchRequest.Topics");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteString(GroupId);
        if (version >= 2)
        {
            writer.WriteNullableArray(Topics, version);
        }
        else
        {
            writer.WriteArray(Topics ?? throw new KafkaProtocolException($"OffsetFetchRequest.Topics cannot be null in version {version}."), version);
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"OffsetFetchRequest version {version} is not supported (0-5).");
        }
    }

    /// <summary>An element of OffsetFetchRequest.Topics.</summary>
    public sealed class OffsetFetchRequestTopic : IKafkaStruct<OffsetFetchRequestTopic>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The partition indexes we would like to fetch offsets for.</summary>
        public List<int> PartitionIndexes { get; set; } = [];

        public static OffsetFetchRequestTopic Read(ref KafkaReader reader, short version)
        {
            var result = new OffsetFetchRequestTopic();
            result.Name = reader.ReadString("OffsetFetchRequestTopic.Name");
            result.PartitionIndexes = reader.ReadInt32Array("OffsetFetchRequestTopic.PartitionIndexes");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteInt32Array(PartitionIndexes);
        }
    }
}
