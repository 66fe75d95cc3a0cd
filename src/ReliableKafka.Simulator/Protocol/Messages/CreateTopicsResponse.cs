namespace ReliableKafka.Simulator.Protocol;

/// <summary>CreateTopicsResponse (API key 19), versions 0-4; layout from CreateTopicsResponse.json.</summary>
internal sealed class CreateTopicsResponse : IKafkaMessage<CreateTopicsResponse>
{
    public static ApiKey ApiKey => ApiKey.CreateTopics;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 4;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 2+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>Results for each topic we tried to create.</summary>
    public List<CreatableTopicResult> Topics { get; set; } = [];

    public static CreateTopicsResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new CreateTopicsResponse();
        if (version >= 2)
        {
            result.ThrottleTimeMs = reader.ReadInt32("CreateTopicsResponse.ThrottleTimeMs");
        }

        result.Topics = reader.ReadArray<CreatableTopicResult>(version, "CreateTopicsResponse.Topics");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        if (version >= 2)
        {
            writer.WriteInt32(ThrottleTimeMs);
        }

        writer.WriteArray(Topics, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"CreateTopicsResponse version {version} is not supported (0-4).");
        }
    }

    /// <summary>An element of CreateTopicsResponse.Topics.</summary>
    public sealed class CreatableTopicResult : IKafkaStruct<CreatableTopicResult>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The error code, or 0 if there was no error.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        /// <summary>The error message, or null if there was no error. Versions 1+.</summary>
        public string? ErrorMessage { get; set; }

        public static CreatableTopicResult Read(ref KafkaReader reader, short version)
        {
            var result = new CreatableTopicResult();
            result.Name = reader.ReadString("CreatableTopicResult.Name");
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("CreatableTopicResult.ErrorCode");
            if (version >= 1)
            {
                result.ErrorMessage = reader.ReadNullableString("CreatableTopicResult.ErrorMessage");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteInt16((short)ErrorCode);
            if (version >= 1)
            {
                writer.WriteNullableString(ErrorMessage);
            }
        }
    }
}
