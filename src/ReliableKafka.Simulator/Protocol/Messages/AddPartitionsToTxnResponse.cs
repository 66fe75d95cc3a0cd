namespace ReliableKafka.Simulator.Protocol;

/// <summary>AddPartitionsToTxnResponse (API key 24), versions 0-3; layout from AddPartitionsToTxnResponse.json (the client versions).</summary>
internal sealed class AddPartitionsToTxnResponse : IKafkaMessage<AddPartitionsToTxnResponse>
{
    public static ApiKey ApiKey => ApiKey.AddPartitionsToTxn;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The results for each topic.</summary>
    public List<AddPartitionsToTxnTopicResult> Results { get; set; } = [];

    public static AddPartitionsToTxnResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        var result = new AddPartitionsToTxnResponse();
        result.ThrottleTimeMs = reader.ReadInt32("AddPartitionsToTxnResponse.ThrottleTimeMs");
        result.Results = flexible ? reader.ReadCompactArray<AddPartitionsToTxnTopicResult>(version, "AddPartitionsToTxnResponse.Results") : reader.ReadArray<AddPartitionsToTxnTopicResult>(version, "AddPartitionsToTxnResponse.Results");
        if (flexible)
        {
            reader.SkipTaggedFields("AddPartitionsToTxnResponse tagged fields");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        writer.WriteInt32(ThrottleTimeMs);
        if (flexible)
        {
            writer.WriteCompactArray(Results, version);
        }
        else
        {
            writer.WriteArray(Results, version);
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
            throw new KafkaProtocolException($"AddPartitionsToTxnResponse version {version} is not supported (0-3).");
        }
    }

    /// <summary>An element of AddPartitionsToTxnResponse.Results.</summary>
    public sealed class AddPartitionsToTxnTopicResult : IKafkaStruct<AddPartitionsToTxnTopicResult>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The results for each partition.</summary>
        public List<AddPartitionsToTxnPartitionResult> Results { get; set; } = [];

        public static AddPartitionsToTxnTopicResult Read(ref KafkaReader reader, short version)
        {
            var flexible = version >= 3;
            var result = new AddPartitionsToTxnTopicResult();
            result.Name = flexible ? reader.ReadCompactString("AddPartitionsToTxnTopicResult.Name") : reader.ReadString("AddPartitionsToTxnTopicResult.Name");
            result.Results = flexible ? reader.ReadCompactArray<AddPartitionsToTxnPartitionResult>(version, "AddPartitionsToTxnTopicResult.Results") : reader.ReadArray<AddPartitionsToTxnPartitionResult>(version, "AddPartitionsToTxnTopicResult.Results");
            if (flexible)
            {
                reader.SkipTaggedFields("AddPartitionsToTxnTopicResult tagged fields");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            var flexible = version >= 3;
            if (flexible)
            {
                writer.WriteCompactString(Name);
            }
            else
            {
                writer.WriteString(Name);
            }

            if (flexible)
            {
                writer.WriteCompactArray(Results, version);
            }
            else
            {
                writer.WriteArray(Results, version);
            }

            if (flexible)
            {
                writer.WriteEmptyTaggedFields();
            }
        }
    }

    /// <summary>An element of AddPartitionsToTxnTopicResult.Results.</summary>
    public sealed class AddPartitionsToTxnPartitionResult : IKafkaStruct<AddPartitionsToTxnPartitionResult>
    {
        /// <summary>The partition indexes.</summary>
        public int PartitionIndex { get; set; }

        /// <summary>The response error code.</summary>
        public KafkaErrorCode PartitionErrorCode { get; set; }

        public static AddPartitionsToTxnPartitionResult Read(ref KafkaReader reader, short version)
        {
            var flexible = version >= 3;
            var result = new AddPartitionsToTxnPartitionResult();
            result.PartitionIndex = reader.ReadInt32("AddPartitionsToTxnPartitionResult.PartitionIndex");
            result.PartitionErrorCode = (KafkaErrorCode)reader.ReadInt16("AddPartitionsToTxnPartitionResult.PartitionErrorCode");
            if (flexible)
            {
                reader.SkipTaggedFields("AddPartitionsToTxnPartitionResult tagged fields");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            var flexible = version >= 3;
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16((short)PartitionErrorCode);
            if (flexible)
            {
                writer.WriteEmptyTaggedFields();
            }
        }
    }
}
