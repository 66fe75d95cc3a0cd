namespace ReliableKafka.Simulator.Protocol;

/// <summary>InitProducerIdResponse (API key 22), versions 0-4; layout from InitProducerIdResponse.json (v2+ flexible).</summary>
internal sealed class InitProducerIdResponse : IKafkaMessage<InitProducerIdResponse>
{
    public static ApiKey ApiKey => ApiKey.InitProducerId;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 4;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The error code, or 0 if there was no error.</summary>
    public KafkaErrorCode ErrorCode { get; set; }

    /// <summary>The current producer id.</summary>
    public long ProducerId { get; set; } = -1;

    /// <summary>The current epoch associated with the producer id.</summary>
    public short ProducerEpoch { get; set; }

    public static InitProducerIdResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new InitProducerIdResponse();
        result.ThrottleTimeMs = reader.ReadInt32("InitProducerIdResponse.ThrottleTimeMs");
        result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("InitProducerIdResponse.ErrorCode");
        result.ProducerId = reader.ReadInt64("InitProducerIdResponse.ProducerId");
        result.ProducerEpoch = reader.ReadInt16("InitProducerIdResponse.ProducerEpoch");
        if (version >= 2)
        {
            reader.SkipTaggedFields("InitProducerIdResponse tagged fields");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16((short)ErrorCode);
        writer.WriteInt64(ProducerId);
        writer.WriteInt16(ProducerEpoch);
        if (version >= 2)
        {
            writer.WriteEmptyTaggedFields();
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"InitProducerIdResponse version {version} is not supported (0-4).");
        }
    }
}
