namespace ReliableKafka.Simulator.Protocol;

/// <summary>OffsetForLeaderEpochRequest (API key 23), versions 0-3; layout from OffsetForLeaderEpochRequest.json.</summary>
internal sealed class OffsetForLeaderEpochRequest : IKafkaMessage<OffsetForLeaderEpochRequest>
{
    public static ApiKey ApiKey => ApiKey.OffsetForLeaderEpoch;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The broker ID of the follower, or -1 if this request is from a consumer. Versions 3+.</summary>
    public int ReplicaId { get; set; } = -2;

    /// <summary>Each topic to get offsets for.</summary>
    public List<OffsetForLeaderTopic> Topics { get; set; } = [];

    public static OffsetForLeaderEpochRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new OffsetForLeaderEpochRequest();
        if (version >= 3)
        {
            result.ReplicaId = reader.ReadInt32("OffsetForLeaderEpochRequest.ReplicaId");
        }

        result.Topics = reader.ReadArray<OffsetForLeaderTopic>(version, "OffsetForLeaderEpochRequest.Topics");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        if (version >= 3)
        {
            writer.WriteInt32(ReplicaId);
        }

        writer.WriteArray(Topics, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"OffsetForLeaderEpochRequest version {version} is not supported (0-3).");
        }
    }

    /// <summary>An element of OffsetForLeaderEpochRequest.Topics.</summary>
    public sealed class OffsetForLeaderTopic : IKafkaStruct<OffsetForLeaderTopic>
    {
        /// <summary>The topic name.</summary>
        public string Topic { get; set; } = string.Empty;

        /// <summary>Each partition to get offsets for.</summary>
        public List<OffsetForLeaderPartition> Partitions { get; set; } = [];

        public static OffsetForLeaderTopic Read(ref KafkaReader reader, short version)
        {
            var result = new OffsetForLeaderTopic();
            result.Topic = reader.ReadString("OffsetForLeaderTopic.Topic");
            result.Partitions = reader.ReadArray<OffsetForLeaderPartition>(version, "OffsetForLeaderTopic.Partitions");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Topic);
            writer.WriteArray(Partitions, version);
        }
    }

    /// <summary>An element of OffsetForLeaderTopic.Partitions.</summary>
    public sealed class OffsetForLeaderPartition : IKafkaStruct<OffsetForLeaderPartition>
    {
        /// <summary>The partition index.</summary>
        public int Partition { get; set; }

        /// <summary>The epoch the client knows, to fence stale metadata; -1 skips the check. Versions 2+.</summary>
        public int CurrentLeaderEpoch { get; set; } = -1;

        /// <summary>The epoch to look up an offset for.</summary>
        public int LeaderEpoch { get; set; }

        public static OffsetForLeaderPartition Read(ref KafkaReader reader, short version)
        {
            var result = new OffsetForLeaderPartition();
            result.Partition = reader.ReadInt32("OffsetForLeaderPartition.Partition");
            if (version >= 2)
            {
                result.CurrentLeaderEpoch = reader.ReadInt32("OffsetForLeaderPartition.CurrentLeaderEpoch");
            }

            result.LeaderEpoch = reader.ReadInt32("OffsetForLeaderPartition.LeaderEpoch");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(Partition);
            if (version >= 2)
            {
                writer.WriteInt32(CurrentLeaderEpoch);
            }

            writer.WriteInt32(LeaderEpoch);
        }
    }
}
