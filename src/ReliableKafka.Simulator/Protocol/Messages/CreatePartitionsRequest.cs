namespace ReliableKafka.Simulator.Protocol;

/// <summary>CreatePartitionsRequest (API key 37), versions 0-1; layout from CreatePartitionsRequest.json.</summary>
internal sealed class CreatePartitionsRequest : IKafkaMessage<CreatePartitionsRequest>
{
    public static ApiKey ApiKey => ApiKey.CreatePartitions;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 1;

    /// <summary>Each topic that we want to create new partitions inside.</summary>
    public List<CreatePartitionsTopic> Topics { get; set; } = [];

    /// <summary>The time in ms to wait for the partitions to be created.</summary>
    public int TimeoutMs { get; set; }

    /// <summary>If true, then validate the request, but don't actually increase the number of partitions.</summary>
    public bool ValidateOnly { get; set; }

    public static CreatePartitionsRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new CreatePartitionsRequest();
        result.Topics = reader.ReadArray<CreatePartitionsTopic>(version, "CreatePartitionsRequest.Topics");
        result.TimeoutMs = reader.ReadInt32("CreatePartitionsRequest.TimeoutMs");
        result.ValidateOnly = reader.ReadBoolean("CreatePartitionsRequest.ValidateOnly");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteArray(Topics, version);
        writer.WriteInt32(TimeoutMs);
        writer.WriteBoolean(ValidateOnly);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"CreatePartitionsRequest version {version} is not supported (0-1).");
        }
    }

    /// <summary>An element of CreatePartitionsRequest.Topics.</summary>
    public sealed class CreatePartitionsTopic : IKafkaStruct<CreatePartitionsTopic>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The new partition count.</summary>
        public int Count { get; set; }

        /// <summary>The new partition assignments.</summary>
        public List<CreatePartitionsAssignment>? Assignments { get; set; } = [];

        public static CreatePartitionsTopic Read(ref KafkaReader reader, short version)
        {
            var result = new CreatePartitionsTopic();
            result.Name = reader.ReadString("CreatePartitionsTopic.Name");
            result.Count = reader.ReadInt32("CreatePartitionsTopic.Count");
            result.Assignments = reader.ReadNullableArray<CreatePartitionsAssignment>(version, "CreatePartitionsTopic.Assignments");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteInt32(Count);
            writer.WriteNullableArray(Assignments, version);
        }
    }

    /// <summary>An element of CreatePartitionsTopic.Assignments.</summary>
    public sealed class CreatePartitionsAssignment : IKafkaStruct<CreatePartitionsAssignment>
    {
        /// <summary>The assigned broker IDs.</summary>
        public List<int> BrokerIds { get; set; } = [];

        public static CreatePartitionsAssignment Read(ref KafkaReader reader, short version)
        {
            var result = new CreatePartitionsAssignment();
            result.BrokerIds = reader.ReadInt32Array("CreatePartitionsAssignment.BrokerIds");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32Array(BrokerIds);
        }
    }
}
