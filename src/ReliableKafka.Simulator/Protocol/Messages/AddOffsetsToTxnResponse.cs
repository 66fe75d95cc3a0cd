namespace ReliableKafka.Simulator.Protocol;

/// <summary>AddOffsetsToTxnResponse (API key 25), versions 0-3; layout from AddOffsetsToTxnResponse.json.</summary>
internal sealed class AddOffsetsToTxnResponse : IKafkaMessage<AddOffsetsToTxnResponse>
{
    public static ApiKey ApiKey => ApiKey.AddOffsetsToTxn;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The response error code, or 0 if there was no error.</summary>
    public KafkaErrorCode ErrorCode { get; set; }

    public static AddOffsetsToTxnResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        var result = new AddOffsetsToTxnResponse();
        result.ThrottleTimeMs = reader.ReadInt32("AddOffsetsToTxnResponse.ThrottleTimeMs");
        result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("AddOffsetsToTxnResponse.ErrorCode");
        if (flexible)
        {
            reader.SkipTaggedFields("AddOffsetsToTxnResponse tagged fields");
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
            throw new KafkaProtocolException($"AddOffsetsToTxnResponse version {version} is not supported (0-3).");
        }
    }
}
