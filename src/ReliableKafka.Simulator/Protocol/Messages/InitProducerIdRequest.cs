namespace ReliableKafka.Simulator.Protocol;

/// <summary>InitProducerIdRequest (API key 22), versions 0-1; layout from InitProducerIdRequest.json.</summary>
internal sealed class InitProducerIdRequest : IKafkaMessage<InitProducerIdRequest>
{
    public static ApiKey ApiKey => ApiKey.InitProducerId;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 1;

    /// <summary>The transactional id, or null if the producer is not transactional.</summary>
    public string? TransactionalId { get; set; }

    /// <summary>The time in ms to wait before aborting idle transactions sent by this producer. This is only relevant if a TransactionalId has been defined.</summary>
    public int TransactionTimeoutMs { get; set; }

    public static InitProducerIdRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new InitProducerIdRequest();
        result.TransactionalId = reader.ReadNullableString("InitProducerIdRequest.TransactionalId");
        result.TransactionTimeoutMs = reader.ReadInt32("InitProducerIdRequest.TransactionTimeoutMs");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteNullableString(TransactionalId);
        writer.WriteInt32(TransactionTimeoutMs);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"InitProducerIdRequest version {version} is not supported (0-1).");
        }
    }
}
