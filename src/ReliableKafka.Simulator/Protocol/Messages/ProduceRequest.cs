namespace ReliableKafka.Simulator.Protocol;

/// <summary>ProduceRequest (API key 0), versions 3-8; layout from ProduceRequest.json.</summary>
internal sealed class ProduceRequest : IKafkaMessage<ProduceRequest>
{
    public static ApiKey ApiKey => ApiKey.Produce;

    public static short LowestSupportedVersion => 3;

    public static short HighestSupportedVersion => 8;

    /// <summary>The transactional ID, or null if the producer is not transactional.</summary>
    public string? TransactionalId { get; set; }

    /// <summary>The number of acknowledgments the producer requires the leader to have received before considering a request complete. Allowed values: 0 for no acknowledgments, 1 for only the leader and -1 for the full ISR.</summary>
    public short Acks { get; set; }

    /// <summary>The timeout to await a response in milliseconds.</summary>
    public int TimeoutMs { get; set; }

    /// <summary>Each topic to produce to.</summary>
    public List<TopicProduceData> TopicData { get; set; } = [];

    public static ProduceRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new ProduceRequest();
        result.TransactionalId = reader.ReadNullableString("ProduceRequest.TransactionalId");
        result.Acks = reader.ReadInt16("ProduceRequest.Acks");
        result.TimeoutMs = reader.ReadInt32("ProduceRequest.TimeoutMs");
        result.TopicData = reader.ReadArray<TopicProduceData>(version, "ProduceRequest.TopicData");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteNullableString(TransactionalId);
        writer.WriteInt16(Acks);
        writer.WriteInt32(TimeoutMs);
        writer.WriteArray(TopicData, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"ProduceRequest version {version} is not supported (3-8).");
        }
    }

    /// <summary>An element of ProduceRequest.TopicData.</summary>
    public sealed class TopicProduceData : IKafkaStruct<TopicProduceData>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Each partition to produce to.</summary>
        public List<PartitionProduceData> PartitionData { get; set; } = [];

        public static TopicProduceData Read(ref KafkaReader reader, short version)
        {
            var result = new TopicProduceData();
            result.Name = reader.ReadString("TopicProduceData.Name");
            result.PartitionData = reader.ReadArray<PartitionProduceData>(version, "TopicProduceData.PartitionData");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteArray(PartitionData, version);
        }
    }

    /// <summary>An element of TopicProduceData.PartitionData.</summary>
    public sealed class PartitionProduceData : IKafkaStruct<PartitionProduceData>
    {
        /// <summary>The partition index.</summary>
        public int Index { get; set; }

        /// <summary>The record data to be produced.</summary>
        public ReadOnlyMemory<byte>? Records { get; set; }

        public static PartitionProduceData Read(ref KafkaReader reader, short version)
        {
            var result = new PartitionProduceData();
            result.Index = reader.ReadInt32("PartitionProduceData.Index");
            result.Records = reader.ReadNullableBytes("PartitionProduceData.Records");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(Index);
            writer.WriteNullableBytes(Records);
        }
    }
}
