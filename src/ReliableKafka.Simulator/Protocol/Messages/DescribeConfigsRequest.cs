namespace ReliableKafka.Simulator.Protocol;

/// <summary>DescribeConfigsRequest (API key 32), versions 0-2; layout from DescribeConfigsRequest.json.</summary>
internal sealed class DescribeConfigsRequest : IKafkaMessage<DescribeConfigsRequest>
{
    public static ApiKey ApiKey => ApiKey.DescribeConfigs;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 2;

    /// <summary>The resources whose configurations we want to describe.</summary>
    public List<DescribeConfigsResource> Resources { get; set; } = [];

    /// <summary>True if we should include all synonyms. Versions 1+.</summary>
    public bool IncludeSynonyms { get; set; }

    public static DescribeConfigsRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new DescribeConfigsRequest();
        result.Resources = reader.ReadArray<DescribeConfigsResource>(version, "DescribeConfigsRequest.Resources");
        if (version >= 1)
        {
            result.IncludeSynonyms = reader.ReadBoolean("DescribeConfigsRequest.IncludeSynonyms");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteArray(Resources, version);
        if (version >= 1)
        {
            writer.WriteBoolean(IncludeSynonyms);
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"DescribeConfigsRequest version {version} is not supported (0-2).");
        }
    }

    /// <summary>An element of DescribeConfigsRequest.Resources.</summary>
    public sealed class DescribeConfigsResource : IKafkaStruct<DescribeConfigsResource>
    {
        /// <summary>The resource type.</summary>
        public sbyte ResourceType { get; set; }

        /// <summary>The resource name.</summary>
        public string ResourceName { get; set; } = string.Empty;

        /// <summary>The configuration keys to list, or null to list all configuration keys.</summary>
        public List<string>? ConfigurationKeys { get; set; } = [];

        public static DescribeConfigsResource Read(ref KafkaReader reader, short version)
        {
            var result = new DescribeConfigsResource();
            result.ResourceType = reader.ReadInt8("DescribeConfigsResource.ResourceType");
            result.ResourceName = reader.ReadString("DescribeConfigsResource.ResourceName");
            result.ConfigurationKeys = reader.ReadNullableStringArray("DescribeConfigsResource.ConfigurationKeys");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt8(ResourceType);
            writer.WriteString(ResourceName);
            writer.WriteNullableStringArray(ConfigurationKeys);
        }
    }
}
