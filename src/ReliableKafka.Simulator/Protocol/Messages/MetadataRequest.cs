namespace ReliableKafka.Simulator.Protocol;

/// <summary>MetadataRequest (API key 3), versions 1-9 (9 is flexible); layout from MetadataRequest.json.</summary>
internal sealed class MetadataRequest : IKafkaMessage<MetadataRequest>
{
    public static ApiKey ApiKey => ApiKey.Metadata;

    public static short LowestSupportedVersion => 1;

    public static short HighestSupportedVersion => 9;

    /// <summary>The topics to fetch metadata for.</summary>
    public List<MetadataRequestTopic>? Topics { get; set; } = [];

    /// <summary>If this is true, the broker may auto-create topics that we requested which do not already exist, if it is configured to do so. Versions 4+.</summary>
    public bool AllowAutoTopicCreation { get; set; } = true;

    /// <summary>Whether to include cluster authorized operations. Versions 8+.</summary>
    public bool IncludeClusterAuthorizedOperations { get; set; }

    /// <summary>Whether to include topic authorized operations. Versions 8+.</summary>
    public bool IncludeTopicAuthorizedOperations { get; set; }

    public static MetadataRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new MetadataRequest();
        var flexible = version >= 9;
        result.Topics = flexible
            ? reader.ReadCompactNullableArray<MetadataRequestTopic>(version, "MetadataRequest.Topics")
            : reader.ReadNullableArray<MetadataRequestTopic>(version, "MetadataRequest.Topics");
        if (version >= 4)
        {
            result.AllowAutoTopicCreation = reader.ReadBoolean("MetadataRequest.AllowAutoTopicCreation");
        }

        if (version >= 8)
        {
            result.IncludeClusterAuthorizedOperations = reader.ReadBoolean("MetadataRequest.IncludeClusterAuthorizedOperations");
            result.IncludeTopicAuthorizedOperations = reader.ReadBoolean("MetadataRequest.IncludeTopicAuthorizedOperations");
        }

        if (flexible)
        {
            reader.SkipTaggedFields("MetadataRequest tagged fields");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        if (version >= 9)
        {
            writer.WriteCompactNullableArray(Topics, version);
        }
        else
        {
            writer.WriteNullableArray(Topics, version);
        }

        if (version >= 4)
        {
            writer.WriteBoolean(AllowAutoTopicCreation);
        }

        if (version >= 8)
        {
            writer.WriteBoolean(IncludeClusterAuthorizedOperations);
            writer.WriteBoolean(IncludeTopicAuthorizedOperations);
        }

        if (version >= 9)
        {
            writer.WriteEmptyTaggedFields();
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"MetadataRequest version {version} is not supported (1-9).");
        }
    }

    /// <summary>An element of MetadataRequest.Topics.</summary>
    public sealed class MetadataRequestTopic : IKafkaStruct<MetadataRequestTopic>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        public static MetadataRequestTopic Read(ref KafkaReader reader, short version)
        {
            var result = new MetadataRequestTopic();
            if (version >= 9)
            {
                result.Name = reader.ReadCompactString("MetadataRequestTopic.Name");
                reader.SkipTaggedFields("MetadataRequestTopic tagged fields");
            }
            else
            {
                result.Name = reader.ReadString("MetadataRequestTopic.Name");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            if (version >= 9)
            {
                writer.WriteCompactString(Name);
                writer.WriteEmptyTaggedFields();
            }
            else
            {
                writer.WriteString(Name);
            }
        }
    }
}
