namespace ReliableKafka.Simulator.Protocol;

/// <summary>OffsetFetchResponse (API key 9), versions 0-5; layout from OffsetFetchResponse.json.</summary>
internal sealed class OffsetFetchResponse : IKafkaMessage<OffsetFetchResponse>
{
    public static ApiKey ApiKey => ApiKey.OffsetFetch;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 5;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 3+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The responses per topic.</summary>
    public List<OffsetFetchResponseTopic> Topics { get; set; } = [];

    /// <summary>The top-level error code, or 0 if there was no error. Versions 2+.</summary>
    public KafkaErrorCode ErrorCode { get; set; }

    public static OffsetFetchResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new OffsetFetchResponse();
        if (version >= 3)
        {
            result.ThrottleTimeMs = reader.ReadInt32("OffsetFetchResponse.ThrottleTimeMs");
        }

        result.Topics = reader.ReadArray<OffsetFetchResponseTopic>(version, "OffsetFetchResponse.Topics");
        if (version >= 2)
        {
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("OffsetFetchResponse.ErrorCode");
        }

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
        if (version >= 2)
        {
            writer.WriteInt16((short)ErrorCode);
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"OffsetFetchResponse version {version} is not supported (0-5).");
        }
    }

    /// <summary>An element of OffsetFetchResponse.Topics.</summary>
    public sealed class OffsetFetchResponseTopic : IKafkaStruct<OffsetFetchResponseTopic>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The responses per partition.</summary>
        public List<OffsetFetchResponsePartition> Partitions { get; set; } = [];

        public static OffsetFetchResponseTopic Read(ref KafkaReader reader, short version)
        {
            var result = new OffsetFetchResponseTopic();
            result.Name = reader.ReadString("OffsetFetchResponseTopic.Name");
            result.Partitions = reader.ReadArray<OffsetFetchResponsePartition>(version, "OffsetFetchResponseTopic.Partitions");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteArray(Partitions, version);
        }
    }

    /// <summary>An element of OffsetFetchResponseTopic.Partitions.</summary>
    public sealed class OffsetFetchResponsePartition : IKafkaStruct<OffsetFetchResponsePartition>
    {
        /// <summary>The partition index.</summary>
        public int PartitionIndex { get; set; }

        /// <summary>The committed message offset.</summary>
        public long CommittedOffset { get; set; }

        /// <summary>The leader epoch. Versions 5+.</summary>
        public int CommittedLeaderEpoch { get; set; } = -1;

        /// <summary>The partition metadata.</summary>
        public string? Metadata { get; set; }

        /// <summary>The error code, or 0 if there was no error.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        public static OffsetFetchResponsePartition Read(ref KafkaReader reader, short version)
        {
            var result = new OffsetFetchResponsePartition();
            result.PartitionIndex = reader.ReadInt32("OffsetFetchResponsePartition.PartitionIndex");
            result.CommittedOffset = reader.ReadInt64("OffsetFetchResponsePartition.CommittedOffset");
            if (version >= 5)
            {
                result.CommittedLeaderEpoch = reader.ReadInt32("OffsetFetchResponsePartition.CommittedLeaderEpoch");
            }

            result.Metadata = reader.ReadNullableString("OffsetFetchResponsePartition.Metadata");
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("OffsetFetchResponsePartition.ErrorCode");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt64(CommittedOffset);
            if (version >= 5)
            {
                writer.WriteInt32(CommittedLeaderEpoch);
            }

            writer.WriteNullableString(Metadata);
            writer.WriteInt16((short)ErrorCode);
        }
    }
}
