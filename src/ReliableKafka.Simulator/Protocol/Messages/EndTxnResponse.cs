namespace ReliableKafka.Simulator.Protocol;

/// <summary>EndTxnResponse (API key 26), versions 0-3; layout from EndTxnResponse.json.</summary>
internal sealed class EndTxnResponse : IKafkaMessage<EndTxnResponse>
{
    public static ApiKey ApiKey => ApiKey.EndTxn;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The error code, or 0 if there was no error.</summary>
    public KafkaErrorCode ErrorCode { get; set; }

    public static EndTxnResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        var result = new EndTxnResponse();
        result.ThrottleTimeMs = reader.ReadInt32("EndTxnResponse.ThrottleTimeMs");
        result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("EndTxnResponse.ErrorCode");
        if (flexible)
        {
            reader.SkipTaggedFields("EndTxnResponse tagged fields");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteInt16((short)ErrorCode);
        if (flexible)
        {
            writer.WriteEmptyTaggedFields();
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"EndTxnResponse version {version} is not supported (0-3).");
        }
    }
}
