namespace ReliableKafka.Simulator.Protocol;

/// <summary>AddPartitionsToTxnRequest (API key 24), versions 0-3; layout from AddPartitionsToTxnRequest.json (the client versions: v4+ batch several transactions and are sent by brokers only).</summary>
internal sealed class AddPartitionsToTxnRequest : IKafkaMessage<AddPartitionsToTxnRequest>
{
    public static ApiKey ApiKey => ApiKey.AddPartitionsToTxn;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The transactional id corresponding to the transaction.</summary>
    public string TransactionalId { get; set; } = string.Empty;

    /// <summary>Current producer id in use by the transactional id.</summary>
    public long ProducerId { get; set; }

    /// <summary>Current epoch associated with the producer id.</summary>
    public short ProducerEpoch { get; set; }

    /// <summary>The partitions to add to the transaction.</summary>
    public List<AddPartitionsToTxnTopic> Topics { get; set; } = [];

    public static AddPartitionsToTxnRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        var result = new AddPartitionsToTxnRequest();
        result.TransactionalId = flexible ? reader.ReadCompactString("AddPartitionsToTxnRequest.TransactionalId") : reader.ReadString("AddPartitionsToTxnRequest.TransactionalId");
        result.ProducerId = reader.ReadInt64("AddPartitionsToTxnRequest.ProducerId");
        result.ProducerEpoch = reader.ReadInt16("AddPartitionsToTxnRequest.ProducerEpoch");
        result.Topics = flexible ? reader.ReadCompactArray<AddPartitionsToTxnTopic>(version, "AddPartitionsToTxnRequest.Topics") : reader.ReadArray<AddPartitionsToTxnTopic>(version, "AddPartitionsToTxnRequest.Topics");
        if (flexible)
        {
            reader.SkipTaggedFields("AddPartitionsToTxnRequest tagged fields");
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

        writer.WriteInt64(ProducerId);
        writer.WriteInt16(ProducerEpoch);
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
            throw new KafkaProtocolException($"AddPartitionsToTxnRequest version {version} is not supported (0-3).");
        }
    }

    private static List<int> ReadInt32s(ref KafkaReader reader, bool flexible, string field)
    {
        var count = flexible ? reader.ReadCompactArrayLength(field) : reader.ReadArrayLength(field);
        var result = new List<int>(Math.Max(0, count));
        for (var i = 0; i < count; i++)
        {
            result.Add(reader.ReadInt32(field));
        }

        return result;
    }

    private static void WriteInt32s(KafkaWriter writer, bool flexible, List<int> items)
    {
        if (flexible)
        {
            writer.WriteCompactArrayLength(items.Count);
        }
        else
        {
            writer.WriteArrayLength(items.Count);
        }

        foreach (var item in items)
        {
            writer.WriteInt32(item);
        }
    }

    /// <summary>An element of AddPartitionsToTxnRequest.Topics.</summary>
    public sealed class AddPartitionsToTxnTopic : IKafkaStruct<AddPartitionsToTxnTopic>
    {
        /// <summary>The name of the topic.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The partition indexes to add to the transaction.</summary>
        public List<int> Partitions { get; set; } = [];

        public static AddPartitionsToTxnTopic Read(ref KafkaReader reader, short version)
        {
            var flexible = version >= 3;
            var result = new AddPartitionsToTxnTopic();
            result.Name = flexible ? reader.ReadCompactString("AddPartitionsToTxnTopic.Name") : reader.ReadString("AddPartitionsToTxnTopic.Name");
            result.Partitions = ReadInt32s(ref reader, flexible, "AddPartitionsToTxnTopic.Partitions");
            if (flexible)
            {
                reader.SkipTaggedFields("AddPartitionsToTxnTopic tagged fields");
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

            WriteInt32s(writer, flexible, Partitions);
            if (flexible)
            {
                writer.WriteEmptyTaggedFields();
            }
        }
    }
}
