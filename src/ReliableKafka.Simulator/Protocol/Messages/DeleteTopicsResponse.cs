namespace ReliableKafka.Simulator.Protocol;

/// <summary>DeleteTopicsResponse (API key 20), versions 0-3; layout from DeleteTopicsResponse.json.</summary>
internal sealed class DeleteTopicsResponse : IKafkaMessage<DeleteTopicsResponse>
{
    public static ApiKey ApiKey => ApiKey.DeleteTopics;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 1+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The results for each topic we tried to delete.</summary>
    public List<DeletableTopicResult> Responses { get; set; } = [];

    public static DeleteTopicsResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new DeleteTopicsResponse();
        if (version >= 1)
        {
            result.ThrottleTimeMs = reader.ReadInt32("DeleteTopicsResponse.ThrottleTimeMs");
        }

        result.Responses = reader.ReadArray<DeletableTopicResult>(version, "DeleteTopicsResponse.Responses");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        if (version >= 1)
        {
            writer.WriteInt32(ThrottleTimeMs);
        }

        writer.WriteArray(Responses, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"DeleteTopicsResponse version {version} is not supported (0-3).");
        }
    }

    /// <summary>An element of DeleteTopicsResponse.Responses.</summary>
    public sealed class DeletableTopicResult : IKafkaStruct<DeletableTopicResult>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The deletion error, or 0 if the deletion succeeded.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        public static DeletableTopicResult Read(ref KafkaReader reader, short version)
        {
            var result = new DeletableTopicResult();
            result.Name = reader.ReadString("DeletableTopicResult.Name");
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("DeletableTopicResult.ErrorCode");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteInt16((short)ErrorCode);
        }
    }
}
