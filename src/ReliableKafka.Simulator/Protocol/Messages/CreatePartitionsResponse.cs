namespace ReliableKafka.Simulator.Protocol;

/// <summary>CreatePartitionsResponse (API key 37), versions 0-1; layout from CreatePartitionsResponse.json.</summary>
internal sealed class CreatePartitionsResponse : IKafkaMessage<CreatePartitionsResponse>
{
    public static ApiKey ApiKey => ApiKey.CreatePartitions;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 1;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The partition creation results for each topic.</summary>
    public List<CreatePartitionsTopicResult> Results { get; set; } = [];

    public static CreatePartitionsResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new CreatePartitionsResponse();
        result.ThrottleTimeMs = reader.ReadInt32("CreatePartitionsResponse.ThrottleTimeMs");
        result.Results = reader.ReadArray<CreatePartitionsTopicResult>(version, "CreatePartitionsResponse.Results");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteInt32(ThrottleTimeMs);
        writer.WriteArray(Results, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"CreatePartitionsResponse version {version} is not supported (0-1).");
        }
    }

    /// <summary>An element of CreatePartitionsResponse.Results.</summary>
    public sealed class CreatePartitionsTopicResult : IKafkaStruct<CreatePartitionsTopicResult>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The result error, or zero if there was no error.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        /// <summary>The result message, or null if there was no error.</summary>
        public string? ErrorMessage { get; set; }

        public static CreatePartitionsTopicResult Read(ref KafkaReader reader, short version)
        {
            var result = new CreatePartitionsTopicResult();
            result.Name = reader.ReadString("CreatePartitionsTopicResult.Name");
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("CreatePartitionsTopicResult.ErrorCode");
            result.ErrorMessage = reader.ReadNullableString("CreatePartitionsTopicResult.ErrorMessage");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteInt16((short)ErrorCode);
            writer.WriteNullableString(ErrorMessage);
        }
    }
}
