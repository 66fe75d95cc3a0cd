namespace ReliableKafka.Simulator.Protocol;

/// <summary>OffsetForLeaderEpochResponse (API key 23), versions 0-3; layout from OffsetForLeaderEpochResponse.json.</summary>
internal sealed class OffsetForLeaderEpochResponse : IKafkaMessage<OffsetForLeaderEpochResponse>
{
    public static ApiKey ApiKey => ApiKey.OffsetForLeaderEpoch;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The duration in milliseconds for which the request was throttled. Versions 2+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>Each topic we fetched offsets for.</summary>
    public List<OffsetForLeaderTopicResult> Topics { get; set; } = [];

    public static OffsetForLeaderEpochResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new OffsetForLeaderEpochResponse();
        if (version >= 2)
        {
            result.ThrottleTimeMs = reader.ReadInt32("OffsetForLeaderEpochResponse.ThrottleTimeMs");
        }

        result.Topics = reader.ReadArray<OffsetForLeaderTopicResult>(version, "OffsetForLeaderEpochResponse.Topics");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        if (version >= 2)
        {
            writer.WriteInt32(ThrottleTimeMs);
        }

        writer.WriteArray(Topics, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"OffsetForLeaderEpochResponse version {version} is not supported (0-3).");
        }
    }

    /// <summary>An element of OffsetForLeaderEpochResponse.Topics.</summary>
    public sealed class OffsetForLeaderTopicResult : IKafkaStruct<OffsetForLeaderTopicResult>
    {
        /// <summary>The topic name.</summary>
        public string Topic { get; set; } = string.Empty;

        /// <summary>Each partition in the topic we fetched offsets for.</summary>
        public List<EpochEndOffset> Partitions { get; set; } = [];

        public static OffsetForLeaderTopicResult Read(ref KafkaReader reader, short version)
        {
            var result = new OffsetForLeaderTopicResult();
            result.Topic = reader.ReadString("OffsetForLeaderTopicResult.Topic");
            result.Partitions = reader.ReadArray<EpochEndOffset>(version, "OffsetForLeaderTopicResult.Partitions");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Topic);
            writer.WriteArray(Partitions, version);
        }
    }

    /// <summary>An element of OffsetForLeaderTopicResult.Partitions.</summary>
    public sealed class EpochEndOffset : IKafkaStruct<EpochEndOffset>
    {
        /// <summary>The error code 0, or if there was no error.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        /// <summary>The partition index.</summary>
        public int Partition { get; set; }

        /// <summary>The leader epoch of the partition. Versions 1+.</summary>
        public int LeaderEpoch { get; set; } = -1;

        /// <summary>The end offset of the epoch.</summary>
        public long EndOffset { get; set; } = -1;

        public static EpochEndOffset Read(ref KafkaReader reader, short version)
        {
            var result = new EpochEndOffset();
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("EpochEndOffset.ErrorCode");
            result.Partition = reader.ReadInt32("EpochEndOffset.Partition");
            if (version >= 1)
            {
                result.LeaderEpoch = reader.ReadInt32("EpochEndOffset.LeaderEpoch");
            }

            result.EndOffset = reader.ReadInt64("EpochEndOffset.EndOffset");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt16((short)ErrorCode);
            writer.WriteInt32(Partition);
            if (version >= 1)
            {
                writer.WriteInt32(LeaderEpoch);
            }

            writer.WriteInt64(EndOffset);
        }
    }
}
