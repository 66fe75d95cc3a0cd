namespace ReliableKafka.Simulator.Protocol;

/// <summary>InitProducerIdRequest (API key 22), versions 0-4; layout from InitProducerIdRequest.json (v2+ flexible).</summary>
internal sealed class InitProducerIdRequest : IKafkaMessage<InitProducerIdRequest>
{
    public static ApiKey ApiKey => ApiKey.InitProducerId;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 4;

    /// <summary>The transactional id, or null if the producer is not transactional.</summary>
    public string? TransactionalId { get; set; }

    /// <summary>The time in ms to wait before aborting idle transactions sent by this producer. This is only relevant if a TransactionalId has been defined.</summary>
    public int TransactionTimeoutMs { get; set; }

    /// <summary>The producer id. This is used to disambiguate requests if a transactional id is reused following its expiration. Versions 3+.</summary>
    public long ProducerId { get; set; } = -1;

    /// <summary>The producer's current epoch. This will be checked against the producer epoch on the broker, and the request will return an error if they do not match. Versions 3+.</summary>
    public short ProducerEpoch { get; set; } = -1;

    public static InitProducerIdRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var flexible = version >= 2;
        var result = new InitProducerIdRequest();
        result.TransactionalId = flexible ? reader.ReadCompactNullableString("InitProducerIdRequest.TransactionalId") : reader.ReadNullableString("InitProducerIdRequest.TransactionalId");
        result.TransactionTimeoutMs = reader.ReadInt32("InitProducerIdRequest.TransactionTimeoutMs");
        if (version >= 3)
        {
            result.ProducerId = reader.ReadInt64("InitProducerIdRequest.ProducerId");
            result.ProducerEpoch = reader.ReadInt16("InitProducerIdRequest.ProducerEpoch");
        }

        if (flexible)
        {
            reader.SkipTaggedFields("InitProducerIdRequest tagged fields");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        var flexible = version >= 2;
        if (flexible)
        {
            writer.WriteCompactNullableString(TransactionalId);
        }
        else
        {
            writer.WriteNullableString(TransactionalId);
        }

        writer.WriteInt32(TransactionTimeoutMs);
        if (version >= 3)
        {
            writer.WriteInt64(ProducerId);
            writer.WriteInt16(ProducerEpoch);
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
            throw new KafkaProtocolException($"InitProducerIdRequest version {version} is not supported (0-4).");
        }
    }
}
