namespace ReliableKafka.Simulator.Protocol;

/// <summary>EndTxnRequest (API key 26), versions 0-3; layout from EndTxnRequest.json.</summary>
internal sealed class EndTxnRequest : IKafkaMessage<EndTxnRequest>
{
    public static ApiKey ApiKey => ApiKey.EndTxn;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The ID of the transaction to end.</summary>
    public string TransactionalId { get; set; } = string.Empty;

    /// <summary>The producer ID.</summary>
    public long ProducerId { get; set; }

    /// <summary>The current epoch associated with the producer.</summary>
    public short ProducerEpoch { get; set; }

    /// <summary>True if the transaction was committed, false if it was aborted.</summary>
    public bool Committed { get; set; }

    public static EndTxnRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        var result = new EndTxnRequest();
        result.TransactionalId = flexible ? reader.ReadCompactString("EndTxnRequest.TransactionalId") : reader.ReadString("EndTxnRequest.TransactionalId");
        result.ProducerId = reader.ReadInt64("EndTxnRequest.ProducerId");
        result.ProducerEpoch = reader.ReadInt16("EndTxnRequest.ProducerEpoch");
        result.Committed = reader.ReadBoolean("EndTxnRequest.Committed");
        if (flexible)
        {
            reader.SkipTaggedFields("EndTxnRequest tagged fields");
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
        writer.WriteBoolean(Committed);
        if (flexible)
        {
            writer.WriteEmptyTaggedFields();
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"EndTxnRequest version {version} is not supported (0-3).");
        }
    }
}
