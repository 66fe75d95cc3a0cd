namespace ReliableKafka.Simulator.Protocol;

/// <summary>AddOffsetsToTxnRequest (API key 25), versions 0-3; layout from AddOffsetsToTxnRequest.json.</summary>
internal sealed class AddOffsetsToTxnRequest : IKafkaMessage<AddOffsetsToTxnRequest>
{
    public static ApiKey ApiKey => ApiKey.AddOffsetsToTxn;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The transactional id corresponding to the transaction.</summary>
    public string TransactionalId { get; set; } = string.Empty;

    /// <summary>Current producer id in use by the transactional id.</summary>
    public long ProducerId { get; set; }

    /// <summary>Current epoch associated with the producer id.</summary>
    public short ProducerEpoch { get; set; }

    /// <summary>The unique group identifier.</summary>
    public string GroupId { get; set; } = string.Empty;

    public static AddOffsetsToTxnRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        var result = new AddOffsetsToTxnRequest();
        result.TransactionalId = flexible ? reader.ReadCompactString("AddOffsetsToTxnRequest.TransactionalId") : reader.ReadString("AddOffsetsToTxnRequest.TransactionalId");
        result.ProducerId = reader.ReadInt64("AddOffsetsToTxnRequest.ProducerId");
        result.ProducerEpoch = reader.ReadInt16("AddOffsetsToTxnRequest.ProducerEpoch");
        result.GroupId = flexible ? reader.ReadCompactString("AddOffsetsToTxnRequest.GroupId") : reader.ReadString("AddOffsetsToTxnRequest.GroupId");
        if (flexible)
        {
            reader.SkipTaggedFields("AddOffsetsToTxnRequest tagged fields");
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
            writer.WriteCompactString(GroupId);
        }
        else
        {
            writer.WriteString(GroupId);
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
            throw new KafkaProtocolException($"AddOffsetsToTxnRequest version {version} is not supported (0-3).");
        }
    }
}
