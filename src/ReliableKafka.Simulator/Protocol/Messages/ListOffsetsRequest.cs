namespace ReliableKafka.Simulator.Protocol;

/// <summary>ListOffsetsRequest (API key 2), versions 1-5; layout from ListOffsetsRequest.json.</summary>
internal sealed class ListOffsetsRequest : IKafkaMessage<ListOffsetsRequest>
{
    public static ApiKey ApiKey => ApiKey.ListOffsets;

    public static short LowestSupportedVersion => 1;

    public static short HighestSupportedVersion => 5;

    /// <summary>The broker ID of the requester, or -1 if this request is being made by a normal consumer.</summary>
    public int ReplicaId { get; set; }

    /// <summary>This setting controls the visibility of transactional records. Using READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional records are visible. To be more concrete, READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable offset), and enables the inclusion of the list of aborted transactions in the result, which allows consumers to discard ABORTED transactional records. Versions 2+.</summary>
    public sbyte IsolationLevel { get; set; }

    /// <summary>Each topic in the request.</summary>
    public List<ListOffsetsTopic> Topics { get; set; } = [];

    public static ListOffsetsRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new ListOffsetsRequest();
        result.ReplicaId = reader.ReadInt32("ListOffsetsRequest.ReplicaId");
        if (version >= 2)
        {
            result.IsolationLevel = reader.ReadInt8("ListOffsetsRequest.IsolationLevel");
        }

        result.Topics = reader.ReadArray<ListOffsetsTopic>(version, "ListOffsetsRequest.Topics");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteInt32(ReplicaId);
        if (version >= 2)
        {
            writer.WriteInt8(IsolationLevel);
        }

        writer.WriteArray(Topics, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"ListOffsetsRequest version {version} is not supported (1-5).");
        }
    }

    /// <summary>An element of ListOffsetsRequest.Topics.</summary>
    public sealed class ListOffsetsTopic : IKafkaStruct<ListOffsetsTopic>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Each partition in the request.</summary>
        public List<ListOffsetsPartition> Partitions { get; set; } = [];

        public static ListOffsetsTopic Read(ref KafkaReader reader, short version)
        {
            var result = new ListOffsetsTopic();
            result.Name = reader.ReadString("ListOffsetsTopic.Name");
            result.Partitions = reader.ReadArray<ListOffsetsPartition>(version, "ListOffsetsTopic.Partitions");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteArray(Partitions, version);
        }
    }

    /// <summary>An element of ListOffsetsTopic.Partitions.</summary>
    public sealed class ListOffsetsPartition : IKafkaStruct<ListOffsetsPartition>
    {
        /// <summary>The partition index.</summary>
        public int PartitionIndex { get; set; }

        /// <summary>The current leader epoch. Versions 4+.</summary>
        public int CurrentLeaderEpoch { get; set; } = -1;

        /// <summary>The current timestamp.</summary>
        public long Timestamp { get; set; }

        public static ListOffsetsPartition Read(ref KafkaReader reader, short version)
        {
            var result = new ListOffsetsPartition();
            result.PartitionIndex = reader.ReadInt32("ListOffsetsPartition.PartitionIndex");
            if (version >= 4)
            {
                result.CurrentLeaderEpoch = reader.ReadInt32("ListOffsetsPartition.CurrentLeaderEpoch");
            }

            result.Timestamp = reader.ReadInt64("ListOffsetsPartition.Timestamp");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            if (version >= 4)
            {
                writer.WriteInt32(CurrentLeaderEpoch);
            }

            writer.WriteInt64(Timestamp);
        }
    }
}
