namespace ReliableKafka.Simulator.Protocol;

/// <summary>DescribeConfigsResponse (API key 32), versions 0-2; layout from DescribeConfigsResponse.json.</summary>
internal sealed class DescribeConfigsResponse : IKafkaMessage<DescribeConfigsResponse>
{
    public static ApiKey ApiKey => ApiKey.DescribeConfigs;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 2;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The results for each resource.</summary>
    public List<DescribeConfigsResult> Results { get; set; } = [];

    public static DescribeConfigsResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new DescribeConfigsResponse();
        result.ThrottleTimeMs = reader.ReadInt32("DescribeConfigsResponse.ThrottleTimeMs");
        result.Results = reader.ReadArray<DescribeConfigsResult>(version, "DescribeConfigsResponse.Results");

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
            throw new KafkaProtocolException($"DescribeConfigsResponse version {version} is not supported (0-2).");
        }
    }

    /// <summary>An element of DescribeConfigsResponse.Results.</summary>
    public sealed class DescribeConfigsResult : IKafkaStruct<DescribeConfigsResult>
    {
        /// <summary>The error code, or 0 if we were able to successfully describe the configurations.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        /// <summary>The error message, or null if we were able to successfully describe the configurations.</summary>
        public string? ErrorMessage { get; set; }

        /// <summary>The resource type.</summary>
        public sbyte ResourceType { get; set; }

        /// <summary>The resource name.</summary>
        public string ResourceName { get; set; } = string.Empty;

        /// <summary>Each listed configuration.</summary>
        public List<DescribeConfigsResourceResult> Configs { get; set; } = [];

        public static DescribeConfigsResult Read(ref KafkaReader reader, short version)
        {
            var result = new DescribeConfigsResult();
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("DescribeConfigsResult.ErrorCode");
            result.ErrorMessage = reader.ReadNullableString("DescribeConfigsResult.ErrorMessage");
            result.ResourceType = reader.ReadInt8("DescribeConfigsResult.ResourceType");
            result.ResourceName = reader.ReadString("DescribeConfigsResult.ResourceName");
            result.Configs = reader.ReadArray<DescribeConfigsResourceResult>(version, "DescribeConfigsResult.Configs");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt16((short)ErrorCode);
            writer.WriteNullableString(ErrorMessage);
            writer.WriteInt8(ResourceType);
            writer.WriteString(ResourceName);
            writer.WriteArray(Configs, version);
        }
    }

    /// <summary>An element of DescribeConfigsResult.Configs.</summary>
    public sealed class DescribeConfigsResourceResult : IKafkaStruct<DescribeConfigsResourceResult>
    {
        /// <summary>The configuration name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The configuration value.</summary>
        public string? Value { get; set; }

        /// <summary>True if the configuration is read-only.</summary>
        public bool ReadOnly { get; set; }

        /// <summary>True if the configuration is not set. Versions 0.</summary>
        public bool IsDefault { get; set; }

        /// <summary>The configuration source. Versions 1+.</summary>
        public sbyte ConfigSource { get; set; } = -1;

        /// <summary>True if this configuration is sensitive.</summary>
        public bool IsSensitive { get; set; }

        /// <summary>The synonyms for this configuration key. Versions 1+.</summary>
        public List<DescribeConfigsSynonym> Synonyms { get; set; } = [];

        public static DescribeConfigsResourceResult Read(ref KafkaReader reader, short version)
        {
            var result = new DescribeConfigsResourceResult();
            result.Name = reader.ReadString("DescribeConfigsResourceResult.Name");
            result.Value = reader.ReadNullableString("DescribeConfigsResourceResult.Value");
            result.ReadOnly = reader.ReadBoolean("DescribeConfigsResourceResult.ReadOnly");
            if (version == 0)
            {
                result.IsDefault = reader.ReadBoolean("DescribeConfigsResourceResult.IsDefault");
            }

            if (version >= 1)
            {
                result.ConfigSource = reader.ReadInt8("DescribeConfigsResourceResult.ConfigSource");
            }

            result.IsSensitive = reader.ReadBoolean("DescribeConfigsResourceResult.IsSensitive");
            if (version >= 1)
            {
                result.Synonyms = reader.ReadArray<DescribeConfigsSynonym>(version, "DescribeConfigsResourceResult.Synonyms");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteNullableString(Value);
            writer.WriteBoolean(ReadOnly);
            if (version == 0)
            {
                writer.WriteBoolean(IsDefault);
            }

            if (version >= 1)
            {
                writer.WriteInt8(ConfigSource);
            }

            writer.WriteBoolean(IsSensitive);
            if (version >= 1)
            {
                writer.WriteArray(Synonyms, version);
            }
        }
    }

    /// <summary>An element of DescribeConfigsResourceResult.Synonyms.</summary>
    public sealed class DescribeConfigsSynonym : IKafkaStruct<DescribeConfigsSynonym>
    {
        /// <summary>The synonym name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The synonym value.</summary>
        public string? Value { get; set; }

        /// <summary>The synonym source.</summary>
        public sbyte Source { get; set; }

        public static DescribeConfigsSynonym Read(ref KafkaReader reader, short version)
        {
            var result = new DescribeConfigsSynonym();
            result.Name = reader.ReadString("DescribeConfigsSynonym.Name");
            result.Value = reader.ReadNullableString("DescribeConfigsSynonym.Value");
            result.Source = reader.ReadInt8("DescribeConfigsSynonym.Source");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteNullableString(Value);
            writer.WriteInt8(Source);
        }
    }
}
