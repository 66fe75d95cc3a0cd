namespace ReliableKafka.Simulator.Protocol;

/// <summary>CreateTopicsRequest (API key 19), versions 0-4; layout from CreateTopicsRequest.json.</summary>
internal sealed class CreateTopicsRequest : IKafkaMessage<CreateTopicsRequest>
{
    public static ApiKey ApiKey => ApiKey.CreateTopics;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 4;

    /// <summary>The topics to create.</summary>
    public List<CreatableTopic> Topics { get; set; } = [];

    /// <summary>How long to wait in milliseconds before timing out the request.</summary>
    public int TimeoutMs { get; set; } = 60000;

    /// <summary>If true, check that the topics can be created as specified, but don't create anything. Versions 1+.</summary>
    public bool ValidateOnly { get; set; }

    public static CreateTopicsRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new CreateTopicsRequest();
        result.Topics = reader.ReadArray<CreatableTopic>(version, "CreateTopicsRequest.Topics");
        result.TimeoutMs = reader.ReadInt32("CreateTopicsRequest.TimeoutMs");
        if (version >= 1)
        {
            result.ValidateOnly = reader.ReadBoolean("CreateTopicsRequest.ValidateOnly");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteArray(Topics, version);
        writer.WriteInt32(TimeoutMs);
        if (version >= 1)
        {
            writer.WriteBoolean(ValidateOnly);
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"CreateTopicsRequest version {version} is not supported (0-4).");
        }
    }

    /// <summary>An element of CreateTopicsRequest.Topics.</summary>
    public sealed class CreatableTopic : IKafkaStruct<CreatableTopic>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The number of partitions to create in the topic, or -1 if we are either specifying a manual partition assignment or using the default partitions.</summary>
        public int NumPartitions { get; set; }

        /// <summary>The number of replicas to create for each partition in the topic, or -1 if we are either specifying a manual partition assignment or using the default replication factor.</summary>
        public short ReplicationFactor { get; set; }

        /// <summary>The manual partition assignment, or the empty array if we are using automatic assignment.</summary>
        public List<CreatableReplicaAssignment> Assignments { get; set; } = [];

        /// <summary>The custom topic configurations to set.</summary>
        public List<CreatableTopicConfig> Configs { get; set; } = [];

        public static CreatableTopic Read(ref KafkaReader reader, short version)
        {
            var result = new CreatableTopic();
            result.Name = reader.ReadString("CreatableTopic.Name");
            result.NumPartitions = reader.ReadInt32("CreatableTopic.NumPartitions");
            result.ReplicationFactor = reader.ReadInt16("CreatableTopic.ReplicationFactor");
            result.Assignments = reader.ReadArray<CreatableReplicaAssignment>(version, "CreatableTopic.Assignments");
            result.Configs = reader.ReadArray<CreatableTopicConfig>(version, "CreatableTopic.Configs");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteInt32(NumPartitions);
            writer.WriteInt16(ReplicationFactor);
            writer.WriteArray(Assignments, version);
            writer.WriteArray(Configs, version);
        }
    }

    /// <summary>An element of CreatableTopic.Assignments.</summary>
    public sealed class CreatableReplicaAssignment : IKafkaStruct<CreatableReplicaAssignment>
    {
        /// <summary>The partition index.</summary>
        public int PartitionIndex { get; set; }

        /// <summary>The brokers to place the partition on.</summary>
        public List<int> BrokerIds { get; set; } = [];

        public static CreatableReplicaAssignment Read(ref KafkaReader reader, short version)
        {
            var result = new CreatableReplicaAssignment();
            result.PartitionIndex = reader.ReadInt32("CreatableReplicaAssignment.PartitionIndex");
            result.BrokerIds = reader.ReadInt32Array("CreatableReplicaAssignment.BrokerIds");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt32Array(BrokerIds);
        }
    }

    /// <summary>An element of CreatableTopic.Configs.</summary>
    public sealed class CreatableTopicConfig : IKafkaStruct<CreatableTopicConfig>
    {
        /// <summary>The configuration name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The configuration value.</summary>
        public string? Value { get; set; }

        public static CreatableTopicConfig Read(ref KafkaReader reader, short version)
        {
            var result = new CreatableTopicConfig();
            result.Name = reader.ReadString("CreatableTopicConfig.Name");
            result.Value = reader.ReadNullableString("CreatableTopicConfig.Value");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteNullableString(Value);
        }
    }
}
