namespace ReliableKafka.Simulator.Protocol;

/// <summary>MetadataResponse (API key 3), versions 1-9 (9 is flexible); layout from MetadataResponse.json.</summary>
internal sealed class MetadataResponse : IKafkaMessage<MetadataResponse>
{
    public static ApiKey ApiKey => ApiKey.Metadata;

    public static short LowestSupportedVersion => 1;

    public static short HighestSupportedVersion => 9;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 3+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>A list of brokers present in the cluster.</summary>
    public List<MetadataResponseBroker> Brokers { get; set; } = [];

    /// <summary>The cluster ID that responding broker belongs to. Versions 2+.</summary>
    public string? ClusterId { get; set; }

    /// <summary>The ID of the controller broker.</summary>
    public int ControllerId { get; set; } = -1;

    /// <summary>Each topic in the response.</summary>
    public List<MetadataResponseTopic> Topics { get; set; } = [];

    /// <summary>32-bit bitfield to represent authorized operations for this cluster. Versions 8+.</summary>
    public int ClusterAuthorizedOperations { get; set; } = int.MinValue;

    public static MetadataResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new MetadataResponse();
        if (version >= 3)
        {
            result.ThrottleTimeMs = reader.ReadInt32("MetadataResponse.ThrottleTimeMs");
        }

        var flexible = version >= 9;
        result.Brokers = flexible
            ? reader.ReadCompactArray<MetadataResponseBroker>(version, "MetadataResponse.Brokers")
            : reader.ReadArray<MetadataResponseBroker>(version, "MetadataResponse.Brokers");
        if (version >= 2)
        {
            result.ClusterId = flexible ? reader.ReadCompactNullableString("MetadataResponse.ClusterId") : reader.ReadNullableString("MetadataResponse.ClusterId");
        }

        result.ControllerId = reader.ReadInt32("MetadataResponse.ControllerId");
        result.Topics = flexible
            ? reader.ReadCompactArray<MetadataResponseTopic>(version, "MetadataResponse.Topics")
            : reader.ReadArray<MetadataResponseTopic>(version, "MetadataResponse.Topics");
        if (version >= 8)
        {
            result.ClusterAuthorizedOperations = reader.ReadInt32("MetadataResponse.ClusterAuthorizedOperations");
        }

        if (flexible)
        {
            reader.SkipTaggedFields("MetadataResponse tagged fields");
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

        var flexible = version >= 9;
        if (flexible)
        {
            writer.WriteCompactArray(Brokers, version);
        }
        else
        {
            writer.WriteArray(Brokers, version);
        }

        if (version >= 2)
        {
            if (flexible)
            {
                writer.WriteCompactNullableString(ClusterId);
            }
            else
            {
                writer.WriteNullableString(ClusterId);
            }
        }

        writer.WriteInt32(ControllerId);
        if (flexible)
        {
            writer.WriteCompactArray(Topics, version);
        }
        else
        {
            writer.WriteArray(Topics, version);
        }

        if (version >= 8)
        {
            writer.WriteInt32(ClusterAuthorizedOperations);
        }

        if (flexible)
        {
            writer.WriteEmptyTaggedFields();
        }
    }

    private static List<int> ReadInt32s(ref KafkaReader reader, short version, string field)
    {
        if (version < 9)
        {
            return reader.ReadInt32Array(field);
        }

        var count = reader.ReadCompactArrayLength(field);
        if (count < 0 || count > reader.Remaining / 4)
        {
            throw new KafkaProtocolException($"{field}: compact array of {count} int32 does not fit the {reader.Remaining} bytes left.");
        }

        var list = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(reader.ReadInt32(field));
        }

        return list;
    }

    private static void WriteInt32s(KafkaWriter writer, short version, List<int> items)
    {
        if (version < 9)
        {
            writer.WriteInt32Array(items);
            return;
        }

        writer.WriteCompactArrayLength(items.Count);
        foreach (var item in items)
        {
            writer.WriteInt32(item);
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"MetadataResponse version {version} is not supported (1-9).");
        }
    }

    /// <summary>An element of MetadataResponse.Brokers.</summary>
    public sealed class MetadataResponseBroker : IKafkaStruct<MetadataResponseBroker>
    {
        /// <summary>The broker ID.</summary>
        public int NodeId { get; set; }

        /// <summary>The broker hostname.</summary>
        public string Host { get; set; } = string.Empty;

        /// <summary>The broker port.</summary>
        public int Port { get; set; }

        /// <summary>The rack of the broker, or null if it has not been assigned to a rack.</summary>
        public string? Rack { get; set; }

        public static MetadataResponseBroker Read(ref KafkaReader reader, short version)
        {
            var result = new MetadataResponseBroker();
            var flexible = version >= 9;
            result.NodeId = reader.ReadInt32("MetadataResponseBroker.NodeId");
            result.Host = flexible ? reader.ReadCompactString("MetadataResponseBroker.Host") : reader.ReadString("MetadataResponseBroker.Host");
            result.Port = reader.ReadInt32("MetadataResponseBroker.Port");
            result.Rack = flexible ? reader.ReadCompactNullableString("MetadataResponseBroker.Rack") : reader.ReadNullableString("MetadataResponseBroker.Rack");
            if (flexible)
            {
                reader.SkipTaggedFields("MetadataResponseBroker tagged fields");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(NodeId);
            if (version >= 9)
            {
                writer.WriteCompactString(Host);
                writer.WriteInt32(Port);
                writer.WriteCompactNullableString(Rack);
                writer.WriteEmptyTaggedFields();
            }
            else
            {
                writer.WriteString(Host);
                writer.WriteInt32(Port);
                writer.WriteNullableString(Rack);
            }
        }
    }

    /// <summary>An element of MetadataResponse.Topics.</summary>
    public sealed class MetadataResponseTopic : IKafkaStruct<MetadataResponseTopic>
    {
        /// <summary>The topic error, or 0 if there was no error.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        /// <summary>The topic name. Null for non-existing topics queried by ID. This is never null when ErrorCode is zero. One of Name and TopicId is always populated.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>True if the topic is internal.</summary>
        public bool IsInternal { get; set; }

        /// <summary>Each partition in the topic.</summary>
        public List<MetadataResponsePartition> Partitions { get; set; } = [];

        /// <summary>32-bit bitfield to represent authorized operations for this topic. Versions 8+.</summary>
        public int TopicAuthorizedOperations { get; set; } = int.MinValue;

        public static MetadataResponseTopic Read(ref KafkaReader reader, short version)
        {
            var result = new MetadataResponseTopic();
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("MetadataResponseTopic.ErrorCode");
            var flexible = version >= 9;
            result.Name = flexible ? reader.ReadCompactString("MetadataResponseTopic.Name") : reader.ReadString("MetadataResponseTopic.Name");
            result.IsInternal = reader.ReadBoolean("MetadataResponseTopic.IsInternal");
            result.Partitions = flexible
                ? reader.ReadCompactArray<MetadataResponsePartition>(version, "MetadataResponseTopic.Partitions")
                : reader.ReadArray<MetadataResponsePartition>(version, "MetadataResponseTopic.Partitions");
            if (version >= 8)
            {
                result.TopicAuthorizedOperations = reader.ReadInt32("MetadataResponseTopic.TopicAuthorizedOperations");
            }

            if (flexible)
            {
                reader.SkipTaggedFields("MetadataResponseTopic tagged fields");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            var flexible = version >= 9;
            writer.WriteInt16((short)ErrorCode);
            if (flexible)
            {
                writer.WriteCompactString(Name);
                writer.WriteBoolean(IsInternal);
                writer.WriteCompactArray(Partitions, version);
            }
            else
            {
                writer.WriteString(Name);
                writer.WriteBoolean(IsInternal);
                writer.WriteArray(Partitions, version);
            }

            if (version >= 8)
            {
                writer.WriteInt32(TopicAuthorizedOperations);
            }

            if (flexible)
            {
                writer.WriteEmptyTaggedFields();
            }
        }
    }

    /// <summary>An element of MetadataResponseTopic.Partitions.</summary>
    public sealed class MetadataResponsePartition : IKafkaStruct<MetadataResponsePartition>
    {
        /// <summary>The partition error, or 0 if there was no error.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        /// <summary>The partition index.</summary>
        public int PartitionIndex { get; set; }

        /// <summary>The ID of the leader broker.</summary>
        public int LeaderId { get; set; }

        /// <summary>The leader epoch of this partition. Versions 7+.</summary>
        public int LeaderEpoch { get; set; } = -1;

        /// <summary>The set of all nodes that host this partition.</summary>
        public List<int> ReplicaNodes { get; set; } = [];

        /// <summary>The set of nodes that are in sync with the leader for this partition.</summary>
        public List<int> IsrNodes { get; set; } = [];

        /// <summary>The set of offline replicas of this partition. Versions 5+.</summary>
        public List<int> OfflineReplicas { get; set; } = [];

        public static MetadataResponsePartition Read(ref KafkaReader reader, short version)
        {
            var result = new MetadataResponsePartition();
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("MetadataResponsePartition.ErrorCode");
            result.PartitionIndex = reader.ReadInt32("MetadataResponsePartition.PartitionIndex");
            result.LeaderId = reader.ReadInt32("MetadataResponsePartition.LeaderId");
            if (version >= 7)
            {
                result.LeaderEpoch = reader.ReadInt32("MetadataResponsePartition.LeaderEpoch");
            }

            result.ReplicaNodes = ReadInt32s(ref reader, version, "MetadataResponsePartition.ReplicaNodes");
            result.IsrNodes = ReadInt32s(ref reader, version, "MetadataResponsePartition.IsrNodes");
            if (version >= 5)
            {
                result.OfflineReplicas = ReadInt32s(ref reader, version, "MetadataResponsePartition.OfflineReplicas");
            }

            if (version >= 9)
            {
                reader.SkipTaggedFields("MetadataResponsePartition tagged fields");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt16((short)ErrorCode);
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt32(LeaderId);
            if (version >= 7)
            {
                writer.WriteInt32(LeaderEpoch);
            }

            WriteInt32s(writer, version, ReplicaNodes);
            WriteInt32s(writer, version, IsrNodes);
            if (version >= 5)
            {
                WriteInt32s(writer, version, OfflineReplicas);
            }

            if (version >= 9)
            {
                writer.WriteEmptyTaggedFields();
            }
        }
    }
}
