namespace ReliableKafka.Simulator.Protocol;

/// <summary>TxnOffsetCommitRequest (API key 28), versions 0-3; layout from TxnOffsetCommitRequest.json.</summary>
internal sealed class TxnOffsetCommitRequest : IKafkaMessage<TxnOffsetCommitRequest>
{
    public static ApiKey ApiKey => ApiKey.TxnOffsetCommit;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The ID of the transaction.</summary>
    public string TransactionalId { get; set; } = string.Empty;

    /// <summary>The ID of the group.</summary>
    public string GroupId { get; set; } = string.Empty;

    /// <summary>The current producer ID in use by the transactional ID.</summary>
    public long ProducerId { get; set; }

    /// <summary>The current epoch associated with the producer ID.</summary>
    public short ProducerEpoch { get; set; }

    /// <summary>The generation of the consumer. Versions 3+.</summary>
    public int GenerationId { get; set; } = -1;

    /// <summary>The member ID assigned by the group coordinator. Versions 3+.</summary>
    public string MemberId { get; set; } = string.Empty;

    /// <summary>The unique identifier of the consumer instance provided by end user. Versions 3+.</summary>
    public string? GroupInstanceId { get; set; }

    /// <summary>Each topic that we want to commit offsets for.</summary>
    public List<TxnOffsetCommitRequestTopic> Topics { get; set; } = [];

    public static TxnOffsetCommitRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        var result = new TxnOffsetCommitRequest();
        result.TransactionalId = flexible ? reader.ReadCompactString("TxnOffsetCommitRequest.TransactionalId") : reader.ReadString("TxnOffsetCommitRequest.TransactionalId");
        result.GroupId = flexible ? reader.ReadCompactString("TxnOffsetCommitRequest.GroupId") : reader.ReadString("TxnOffsetCommitRequest.GroupId");
        result.ProducerId = reader.ReadInt64("TxnOffsetCommitRequest.ProducerId");
        result.ProducerEpoch = reader.ReadInt16("TxnOffsetCommitRequest.ProducerEpoch");
        if (version >= 3)
        {
            result.GenerationId = reader.ReadInt32("TxnOffsetCommitRequest.GenerationId");
        }

        if (version >= 3)
        {
            result.MemberId = flexible ? reader.ReadCompactString("TxnOffsetCommitRequest.MemberId") : reader.ReadString("TxnOffsetCommitRequest.MemberId");
        }

        if (version >= 3)
        {
            result.GroupInstanceId = flexible ? reader.ReadCompactNullableString("TxnOffsetCommitRequest.GroupInstanceId") : reader.ReadNullableString("TxnOffsetCommitRequest.GroupInstanceId");
        }

        result.Topics = flexible ? reader.ReadCompactArray<TxnOffsetCommitRequestTopic>(version, "TxnOffsetCommitRequest.Topics") : reader.ReadArray<TxnOffsetCommitRequestTopic>(version, "TxnOffsetCommitRequest.Topics");
        if (flexible)
        {
            reader.SkipTaggedFields("TxnOffsetCommitRequest tagged fields");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        if (flexible)
        {
            writer.WriteCompactString(TransactionalId);
        }
        else
        {
            writer.WriteString(TransactionalId);
        }

        if (flexible)
        {
            writer.WriteCompactString(GroupId);
        }
        else
        {
            writer.WriteString(GroupId);
        }

        writer.WriteInt64(ProducerId);
        writer.WriteInt16(ProducerEpoch);
        if (version >= 3)
        {
            writer.WriteInt32(GenerationId);
        }

        if (version >= 3)
        {
            if (flexible)
            {
                writer.WriteCompactString(MemberId);
            }
            else
            {
                writer.WriteString(MemberId);
            }
        }

        if (version >= 3)
        {
            if (flexible)
            {
                writer.WriteCompactNullableString(GroupInstanceId);
            }
            else
            {
                writer.WriteNullableString(GroupInstanceId);
            }
        }

        if (flexible)
        {
            writer.WriteCompactArray(Topics, version);
        }
        else
        {
            writer.WriteArray(Topics, version);
        }

        if (flexible)
        {
            writer.WriteEmptyTaggedFields();
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"TxnOffsetCommitRequest version {version} is not supported (0-3).");
        }
    }

    /// <summary>An element of TxnOffsetCommitRequest.Topics.</summary>
    public sealed class TxnOffsetCommitRequestTopic : IKafkaStruct<TxnOffsetCommitRequestTopic>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The partitions inside the topic that we want to commit offsets for.</summary>
        public List<TxnOffsetCommitRequestPartition> Partitions { get; set; } = [];

        public static TxnOffsetCommitRequestTopic Read(ref KafkaReader reader, short version)
        {
            var flexible = version >= 3;
            var result = new TxnOffsetCommitRequestTopic();
            result.Name = flexible ? reader.ReadCompactString("TxnOffsetCommitRequestTopic.Name") : reader.ReadString("TxnOffsetCommitRequestTopic.Name");
            result.Partitions = flexible ? reader.ReadCompactArray<TxnOffsetCommitRequestPartition>(version, "TxnOffsetCommitRequestTopic.Partitions") : reader.ReadArray<TxnOffsetCommitRequestPartition>(version, "TxnOffsetCommitRequestTopic.Partitions");
            if (flexible)
            {
                reader.SkipTaggedFields("TxnOffsetCommitRequestTopic tagged fields");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            var flexible = version >= 3;
            if (flexible)
            {
                writer.WriteCompactString(Name);
            }
            else
            {
                writer.WriteString(Name);
            }

            if (flexible)
            {
                writer.WriteCompactArray(Partitions, version);
            }
            else
            {
                writer.WriteArray(Partitions, version);
            }

            if (flexible)
            {
                writer.WriteEmptyTaggedFields();
            }
        }
    }

    /// <summary>An element of TxnOffsetCommitRequestTopic.Partitions.</summary>
    public sealed class TxnOffsetCommitRequestPartition : IKafkaStruct<TxnOffsetCommitRequestPartition>
    {
        /// <summary>The index of the partition within the topic.</summary>
        public int PartitionIndex { get; set; }

        /// <summary>The message offset to be committed.</summary>
        public long CommittedOffset { get; set; }

        /// <summary>The leader epoch of the last consumed record. Versions 2+.</summary>
        public int CommittedLeaderEpoch { get; set; } = -1;

        /// <summary>Any associated metadata the client wants to keep.</summary>
        public string? CommittedMetadata { get; set; }

        public static TxnOffsetCommitRequestPartition Read(ref KafkaReader reader, short version)
        {
            var flexible = version >= 3;
            var result = new TxnOffsetCommitRequestPartition();
            result.PartitionIndex = reader.ReadInt32("TxnOffsetCommitRequestPartition.PartitionIndex");
            result.CommittedOffset = reader.ReadInt64("TxnOffsetCommitRequestPartition.CommittedOffset");
            if (version >= 2)
            {
                result.CommittedLeaderEpoch = reader.ReadInt32("TxnOffsetCommitRequestPartition.CommittedLeaderEpoch");
            }

            result.CommittedMetadata = flexible ? reader.ReadCompactNullableString("TxnOffsetCommitRequestPartition.CommittedMetadata") : reader.ReadNullableString("TxnOffsetCommitRequestPartition.CommittedMetadata");
            if (flexible)
            {
                reader.SkipTaggedFields("TxnOffsetCommitRequestPartition tagged fields");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            var flexible = version >= 3;
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt64(CommittedOffset);
            if (version >= 2)
            {
                writer.WriteInt32(CommittedLeaderEpoch);
            }

            if (flexible)
            {
                writer.WriteCompactNullableString(CommittedMetadata);
            }
            else
            {
                writer.WriteNullableString(CommittedMetadata);
            }

            if (flexible)
            {
                writer.WriteEmptyTaggedFields();
            }
        }
    }
}
