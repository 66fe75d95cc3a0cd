namespace ReliableKafka.Simulator.Protocol;

/// <summary>OffsetCommitResponse (API key 8), versions 0-7; layout from OffsetCommitResponse.json.</summary>
internal sealed class OffsetCommitResponse : IKafkaMessage<OffsetCommitResponse>
{
    public static ApiKey ApiKey => ApiKey.OffsetCommit;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 7;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 3+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The responses for each topic.</summary>
    public List<OffsetCommitResponseTopic> Topics { get; set; } = [];

    public static OffsetCommitResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new OffsetCommitResponse();
        if (version >= 3)
        {
            result.ThrottleTimeMs = reader.ReadInt32("OffsetCommitResponse.ThrottleTimeMs");
        }

        result.Topics = reader.ReadArray<OffsetCommitResponseTopic>(version, "OffsetCommitResponse.Topics");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        if (version >= 3)
        {
            writer.WriteInt32(ThrottleTimeMs);
        }

        writer.WriteArray(Topics, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"OffsetCommitResponse version {version} is not supported (0-7).");
        }
    }

    /// <summary>An element of OffsetCommitResponse.Topics.</summary>
    public sealed class OffsetCommitResponseTopic : IKafkaStruct<OffsetCommitResponseTopic>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The responses for each partition in the topic.</summary>
        public List<OffsetCommitResponsePartition> Partitions { get; set; } = [];

        public static OffsetCommitResponseTopic Read(ref KafkaReader reader, short version)
        {
            var result = new OffsetCommitResponseTopic();
            result.Name = reader.ReadString("OffsetCommitResponseTopic.Name");
            result.Partitions = reader.ReadArray<OffsetCommitResponsePartition>(version, "OffsetCommitResponseTopic.Partitions");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteArray(Partitions, version);
        }
    }

    /// <summary>An element of OffsetCommitResponseTopic.Partitions.</summary>
    public sealed class OffsetCommitResponsePartition : IKafkaStruct<OffsetCommitResponsePartition>
    {
        /// <summary>The partition index.</summary>
        public int PartitionIndex { get; set; }

        /// <summary>The error code, or 0 if there was no error.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        public static OffsetCommitResponsePartition Read(ref KafkaReader reader, short version)
        {
            var result = new OffsetCommitResponsePartition();
            result.PartitionIndex = reader.ReadInt32("OffsetCommitResponsePartition.PartitionIndex");
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("OffsetCommitResponsePartition.ErrorCode");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16((short)ErrorCode);
        }
    }
}
