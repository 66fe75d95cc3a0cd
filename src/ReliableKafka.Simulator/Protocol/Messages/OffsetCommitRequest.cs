namespace ReliableKafka.Simulator.Protocol;

/// <summary>OffsetCommitRequest (API key 8), versions 0-7; layout from OffsetCommitRequest.json.</summary>
internal sealed class OffsetCommitRequest : IKafkaMessage<OffsetCommitRequest>
{
    public static ApiKey ApiKey => ApiKey.OffsetCommit;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 7;

    /// <summary>The unique group identifier.</summary>
    public string GroupId { get; set; } = string.Empty;

    /// <summary>The generation of the group if using the classic group protocol or the member epoch if using the consumer protocol. Versions 1+.</summary>
    public int GenerationIdOrMemberEpoch { get; set; } = -1;

    /// <summary>The member ID assigned by the group coordinator. Versions 1+.</summary>
    public string MemberId { get; set; } = string.Empty;

    /// <summary>The unique identifier of the consumer instance provided by end user. Versions 7+.</summary>
    public string? GroupInstanceId { get; set; }

    /// <summary>The time period in ms to retain the offset. Versions 2-4.</summary>
    public long RetentionTimeMs { get; set; } = -1;

    /// <summary>The topics to commit offsets for.</summary>
    public List<OffsetCommitRequestTopic> Topics { get; set; } = [];

    public static OffsetCommitRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new OffsetCommitRequest();
        result.GroupId = reader.ReadString("OffsetCommitRequest.GroupId");
        if (version >= 1)
        {
            result.GenerationIdOrMemberEpoch = reader.ReadInt32("OffsetCommitRequest.GenerationIdOrMemberEpoch");
            result.MemberId = reader.ReadString("OffsetCommitRequest.MemberId");
        }

        if (version >= 7)
        {
            result.GroupInstanceId = reader.ReadNullableString("OffsetCommitRequest.GroupInstanceId");
        }

        if (version >= 2 && version <= 4)
        {
            result.RetentionTimeMs = reader.ReadInt64("OffsetCommitRequest.RetentionTimeMs");
        }

        result.Topics = reader.ReadArray<OffsetCommitRequestTopic>(version, "OffsetCommitRequest.Topics");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteString(GroupId);
        if (version >= 1)
        {
            writer.WriteInt32(GenerationIdOrMemberEpoch);
            writer.WriteString(MemberId);
        }

        if (version >= 7)
        {
            writer.WriteNullableString(GroupInstanceId);
        }

        if (version >= 2 && version <= 4)
        {
            writer.WriteInt64(RetentionTimeMs);
        }

        writer.WriteArray(Topics, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"OffsetCommitRequest version {version} is not supported (0-7).");
        }
    }

    /// <summary>An element of OffsetCommitRequest.Topics.</summary>
    public sealed class OffsetCommitRequestTopic : IKafkaStruct<OffsetCommitRequestTopic>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Each partition to commit offsets for.</summary>
        public List<OffsetCommitRequestPartition> Partitions { get; set; } = [];

        public static OffsetCommitRequestTopic Read(ref KafkaReader reader, short version)
        {
            var result = new OffsetCommitRequestTopic();
            result.Name = reader.ReadString("OffsetCommitRequestTopic.Name");
            result.Partitions = reader.ReadArray<OffsetCommitRequestPartition>(version, "OffsetCommitRequestTopic.Partitions");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteArray(Partitions, version);
        }
    }

    /// <summary>An element of OffsetCommitRequestTopic.Partitions.</summary>
    public sealed class OffsetCommitRequestPartition : IKafkaStruct<OffsetCommitRequestPartition>
    {
        /// <summary>The partition index.</summary>
        public int PartitionIndex { get; set; }

        /// <summary>The message offset to be committed.</summary>
        public long CommittedOffset { get; set; }

        /// <summary>The leader epoch of this partition. Versions 6+.</summary>
        public int CommittedLeaderEpoch { get; set; } = -1;

        /// <summary>The timestamp of the commit. Versions 1.</summary>
        public long CommitTimestamp { get; set; } = -1;

        /// <summary>Any associated metadata the client wants to keep.</summary>
        public string? CommittedMetadata { get; set; }

        public static OffsetCommitRequestPartition Read(ref KafkaReader reader, short version)
        {
            var result = new OffsetCommitRequestPartition();
            result.PartitionIndex = reader.ReadInt32("OffsetCommitRequestPartition.PartitionIndex");
            result.CommittedOffset = reader.ReadInt64("OffsetCommitRequestPartition.CommittedOffset");
            if (version >= 6)
            {
                result.CommittedLeaderEpoch = reader.ReadInt32("OffsetCommitRequestPartition.CommittedLeaderEpoch");
            }

            if (version == 1)
            {
                result.CommitTimestamp = reader.ReadInt64("OffsetCommitRequestPartition.CommitTimestamp");
            }

            result.CommittedMetadata = reader.ReadNullableString("OffsetCommitRequestPartition.CommittedMetadata");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt64(CommittedOffset);
            if (version >= 6)
            {
                writer.WriteInt32(CommittedLeaderEpoch);
            }

            if (version == 1)
            {
                writer.WriteInt64(CommitTimestamp);
            }

            writer.WriteNullableString(CommittedMetadata);
        }
    }
}
