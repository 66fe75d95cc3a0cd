namespace ReliableKafka.Simulator.Protocol;

/// <summary>FetchRequest (API key 1), versions 4-11; layout from FetchRequest.json.</summary>
internal sealed class FetchRequest : IKafkaMessage<FetchRequest>
{
    public static ApiKey ApiKey => ApiKey.Fetch;

    public static short LowestSupportedVersion => 4;

    public static short HighestSupportedVersion => 11;

    /// <summary>The broker ID of the follower, of -1 if this request is from a consumer.</summary>
    public int ReplicaId { get; set; } = -1;

    /// <summary>The maximum time in milliseconds to wait for the response.</summary>
    public int MaxWaitMs { get; set; }

    /// <summary>The minimum bytes to accumulate in the response.</summary>
    public int MinBytes { get; set; }

    /// <summary>The maximum bytes to fetch.  See KIP-74 for cases where this limit may not be honored.</summary>
    public int MaxBytes { get; set; } = int.MaxValue;

    /// <summary>This setting controls the visibility of transactional records. Using READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional records are visible. To be more concrete, READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable offset), and enables the inclusion of the list of aborted transactions in the result, which allows consumers to discard ABORTED transactional records.</summary>
    public sbyte IsolationLevel { get; set; }

    /// <summary>The fetch session ID. Versions 7+.</summary>
    public int SessionId { get; set; }

    /// <summary>The fetch session epoch, which is used for ordering requests in a session. Versions 7+.</summary>
    public int SessionEpoch { get; set; } = -1;

    /// <summary>The topics to fetch.</summary>
    public List<FetchTopic> Topics { get; set; } = [];

    /// <summary>In an incremental fetch request, the partitions to remove. Versions 7+.</summary>
    public List<ForgottenTopic> ForgottenTopicsData { get; set; } = [];

    /// <summary>Rack ID of the consumer making this request. Versions 11+.</summary>
    public string RackId { get; set; } = string.Empty;

    public static FetchRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new FetchRequest();
        result.ReplicaId = reader.ReadInt32("FetchRequest.ReplicaId");
        result.MaxWaitMs = reader.ReadInt32("FetchRequest.MaxWaitMs");
        result.MinBytes = reader.ReadInt32("FetchRequest.MinBytes");
        result.MaxBytes = reader.ReadInt32("FetchRequest.MaxBytes");
        result.IsolationLevel = reader.ReadInt8("FetchRequest.IsolationLevel");
        if (version >= 7)
        {
            result.SessionId = reader.ReadInt32("FetchRequest.SessionId");
            result.SessionEpoch = reader.ReadInt32("FetchRequest.SessionEpoch");
        }

        result.Topics = reader.ReadArray<FetchTopic>(version, "FetchRequest.Topics");
        if (version >= 7)
        {
            result.ForgottenTopicsData = reader.ReadArray<ForgottenTopic>(version, "FetchRequest.ForgottenTopicsData");
        }

        if (version >= 11)
        {
            result.RackId = reader.ReadString("FetchRequest.RackId");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteInt32(ReplicaId);
        writer.WriteInt32(MaxWaitMs);
        writer.WriteInt32(MinBytes);
        writer.WriteInt32(MaxBytes);
        writer.WriteInt8(IsolationLevel);
        if (version >= 7)
        {
            writer.WriteInt32(SessionId);
            writer.WriteInt32(SessionEpoch);
        }

        writer.WriteArray(Topics, version);
        if (version >= 7)
        {
            writer.WriteArray(ForgottenTopicsData, version);
        }

        if (version >= 11)
        {
            writer.WriteString(RackId);
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"FetchRequest version {version} is not supported (4-11).");
        }
    }

    /// <summary>An element of FetchRequest.Topics.</summary>
    public sealed class FetchTopic : IKafkaStruct<FetchTopic>
    {
        /// <summary>The name of the topic to fetch.</summary>
        public string Topic { get; set; } = string.Empty;

        /// <summary>The partitions to fetch.</summary>
        public List<FetchPartition> Partitions { get; set; } = [];

        public static FetchTopic Read(ref KafkaReader reader, short version)
        {
            var result = new FetchTopic();
            result.Topic = reader.ReadString("FetchTopic.Topic");
            result.Partitions = reader.ReadArray<FetchPartition>(version, "FetchTopic.Partitions");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Topic);
            writer.WriteArray(Partitions, version);
        }
    }

    /// <summary>An element of FetchTopic.Partitions.</summary>
    public sealed class FetchPartition : IKafkaStruct<FetchPartition>
    {
        /// <summary>The partition index.</summary>
        public int Partition { get; set; }

        /// <summary>The current leader epoch of the partition. Versions 9+.</summary>
        public int CurrentLeaderEpoch { get; set; } = -1;

        /// <summary>The message offset.</summary>
        public long FetchOffset { get; set; }

        /// <summary>The earliest available offset of the follower replica.  The field is only used when the request is sent by the follower. Versions 5+.</summary>
        public long LogStartOffset { get; set; } = -1;

        /// <summary>The maximum bytes to fetch from this partition.  See KIP-74 for cases where this limit may not be honored.</summary>
        public int PartitionMaxBytes { get; set; }

        public static FetchPartition Read(ref KafkaReader reader, short version)
        {
            var result = new FetchPartition();
            result.Partition = reader.ReadInt32("FetchPartition.Partition");
            if (version >= 9)
            {
                result.CurrentLeaderEpoch = reader.ReadInt32("FetchPartition.CurrentLeaderEpoch");
            }

            result.FetchOffset = reader.ReadInt64("FetchPartition.FetchOffset");
            if (version >= 5)
            {
                result.LogStartOffset = reader.ReadInt64("FetchPartition.LogStartOffset");
            }

            result.PartitionMaxBytes = reader.ReadInt32("FetchPartition.PartitionMaxBytes");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(Partition);
            if (version >= 9)
            {
                writer.WriteInt32(CurrentLeaderEpoch);
            }

            writer.WriteInt64(FetchOffset);
            if (version >= 5)
            {
                writer.WriteInt64(LogStartOffset);
            }

            writer.WriteInt32(PartitionMaxBytes);
        }
    }

    /// <summary>An element of FetchRequest.ForgottenTopicsData.</summary>
    public sealed class ForgottenTopic : IKafkaStruct<ForgottenTopic>
    {
        /// <summary>The topic name.</summary>
        public string Topic { get; set; } = string.Empty;

        /// <summary>The partitions indexes to forget.</summary>
        public List<int> Partitions { get; set; } = [];

        public static ForgottenTopic Read(ref KafkaReader reader, short version)
        {
            var result = new ForgottenTopic();
            result.Topic = reader.ReadString("ForgottenTopic.Topic");
            result.Partitions = reader.ReadInt32Array("ForgottenTopic.Partitions");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Topic);
            writer.WriteInt32Array(Partitions);
        }
    }
}
