namespace ReliableKafka.Simulator.Protocol;

/// <summary>TxnOffsetCommitResponse (API key 28), versions 0-3; layout from TxnOffsetCommitResponse.json.</summary>
internal sealed class TxnOffsetCommitResponse : IKafkaMessage<TxnOffsetCommitResponse>
{
    public static ApiKey ApiKey => ApiKey.TxnOffsetCommit;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The responses for each topic.</summary>
    public List<TxnOffsetCommitResponseTopic> Topics { get; set; } = [];

    public static TxnOffsetCommitResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        var result = new TxnOffsetCommitResponse();
        result.ThrottleTimeMs = reader.ReadInt32("TxnOffsetCommitResponse.ThrottleTimeMs");
        result.Topics = flexible ? reader.ReadCompactArray<TxnOffsetCommitResponseTopic>(version, "TxnOffsetCommitResponse.Topics") : reader.ReadArray<TxnOffsetCommitResponseTopic>(version, "TxnOffsetCommitResponse.Topics");
        if (flexible)
        {
            reader.SkipTaggedFields("TxnOffsetCommitResponse tagged fields");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        writer.WriteInt32(ThrottleTimeMs);
        if (flexible)
        {
            writer.WriteCompactArray(Topics, version);
        }
        else
        {
            writer.WriteArray(Topics, version);
        }

        if (flexible)
        {
            writer.WriteEmptyTaggedFields();
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"TxnOffsetCommitResponse version {version} is not supported (0-3).");
        }
    }

    /// <summary>An element of TxnOffsetCommitResponse.Topics.</summary>
    public sealed class TxnOffsetCommitResponseTopic : IKafkaStruct<TxnOffsetCommitResponseTopic>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The responses for each partition in the topic.</summary>
        public List<TxnOffsetCommitResponsePartition> Partitions { get; set; } = [];

        public static TxnOffsetCommitResponseTopic Read(ref KafkaReader reader, short version)
        {
            var flexible = version >= 3;
            var result = new TxnOffsetCommitResponseTopic();
            result.Name = flexible ? reader.ReadCompactString("TxnOffsetCommitResponseTopic.Name") : reader.ReadString("TxnOffsetCommitResponseTopic.Name");
            result.Partitions = flexible ? reader.ReadCompactArray<TxnOffsetCommitResponsePartition>(version, "TxnOffsetCommitResponseTopic.Partitions") : reader.ReadArray<TxnOffsetCommitResponsePartition>(version, "TxnOffsetCommitResponseTopic.Partitions");
            if (flexible)
            {
                reader.SkipTaggedFields("TxnOffsetCommitResponseTopic tagged fields");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            var flexible = version >= 3;
            if (flexible)
            {
                writer.WriteCompactString(Name);
            }
            else
            {
                writer.WriteString(Name);
            }

            if (flexible)
            {
                writer.WriteCompactArray(Partitions, version);
            }
            else
            {
                writer.WriteArray(Partitions, version);
            }

            if (flexible)
            {
                writer.WriteEmptyTaggedFields();
            }
        }
    }

    /// <summary>An element of TxnOffsetCommitResponseTopic.Partitions.</summary>
    public sealed class TxnOffsetCommitResponsePartition : IKafkaStruct<TxnOffsetCommitResponsePartition>
    {
        /// <summary>The partition index.</summary>
        public int PartitionIndex { get; set; }

        /// <summary>The error code, or 0 if there was no error.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        public static TxnOffsetCommitResponsePartition Read(ref KafkaReader reader, short version)
        {
            var flexible = version >= 3;
            var result = new TxnOffsetCommitResponsePartition();
            result.PartitionIndex = reader.ReadInt32("TxnOffsetCommitResponsePartition.PartitionIndex");
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("TxnOffsetCommitResponsePartition.ErrorCode");
            if (flexible)
            {
                reader.SkipTaggedFields("TxnOffsetCommitResponsePartition tagged fields");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            var flexible = version >= 3;
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16((short)ErrorCode);
            if (flexible)
            {
                writer.WriteEmptyTaggedFields();
            }
        }
    }
}
