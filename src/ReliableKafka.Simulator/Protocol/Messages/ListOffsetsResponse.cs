namespace ReliableKafka.Simulator.Protocol;

/// <summary>ListOffsetsResponse (API key 2), versions 1-5; layout from ListOffsetsResponse.json.</summary>
internal sealed class ListOffsetsResponse : IKafkaMessage<ListOffsetsResponse>
{
    public static ApiKey ApiKey => ApiKey.ListOffsets;

    public static short LowestSupportedVersion => 1;

    public static short HighestSupportedVersion => 5;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 2+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>Each topic in the response.</summary>
    public List<ListOffsetsTopicResponse> Topics { get; set; } = [];

    public static ListOffsetsResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new ListOffsetsResponse();
        if (version >= 2)
        {
            result.ThrottleTimeMs = reader.ReadInt32("ListOffsetsResponse.ThrottleTimeMs");
        }

        result.Topics = reader.ReadArray<ListOffsetsTopicResponse>(version, "ListOffsetsResponse.Topics");

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
            throw new KafkaProtocolException($"ListOffsetsResponse version {version} is not supported (1-5).");
        }
    }

    /// <summary>An element of ListOffsetsResponse.Topics.</summary>
    public sealed class ListOffsetsTopicResponse : IKafkaStruct<ListOffsetsTopicResponse>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Each partition in the response.</summary>
        public List<ListOffsetsPartitionResponse> Partitions { get; set; } = [];

        public static ListOffsetsTopicResponse Read(ref KafkaReader reader, short version)
        {
            var result = new ListOffsetsTopicResponse();
            result.Name = reader.ReadString("ListOffsetsTopicResponse.Name");
            result.Partitions = reader.ReadArray<ListOffsetsPartitionResponse>(version, "ListOffsetsTopicResponse.Partitions");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteArray(Partitions, version);
        }
    }

    /// <summary>An element of ListOffsetsTopicResponse.Partitions.</summary>
    public sealed class ListOffsetsPartitionResponse : IKafkaStruct<ListOffsetsPartitionResponse>
    {
        /// <summary>The partition index.</summary>
        public int PartitionIndex { get; set; }

        /// <summary>The partition error code, or 0 if there was no error.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        /// <summary>The timestamp associated with the returned offset.</summary>
        public long Timestamp { get; set; } = -1;

        /// <summary>The returned offset.</summary>
        public long Offset { get; set; } = -1;

        /// <summary>Versions 4+.</summary>
        public int LeaderEpoch { get; set; } = -1;

        public static ListOffsetsPartitionResponse Read(ref KafkaReader reader, short version)
        {
            var result = new ListOffsetsPartitionResponse();
            result.PartitionIndex = reader.ReadInt32("ListOffsetsPartitionResponse.PartitionIndex");
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("ListOffsetsPartitionResponse.ErrorCode");
            result.Timestamp = reader.ReadInt64("ListOffsetsPartitionResponse.Timestamp");
            result.Offset = reader.ReadInt64("ListOffsetsPartitionResponse.Offset");
            if (version >= 4)
            {
                result.LeaderEpoch = reader.ReadInt32("ListOffsetsPartitionResponse.LeaderEpoch");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16((short)ErrorCode);
            writer.WriteInt64(Timestamp);
            writer.WriteInt64(Offset);
            if (version >= 4)
            {
                writer.WriteInt32(LeaderEpoch);
            }
        }
    }
}
