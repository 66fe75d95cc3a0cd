namespace ReliableKafka.Simulator.Protocol;

/// <summary>ApiVersionsResponse (API key 18), versions 0-3; layout from ApiVersionsResponse.json.</summary>
internal sealed class ApiVersionsResponse : IKafkaMessage<ApiVersionsResponse>
{
    public static ApiKey ApiKey => ApiKey.ApiVersions;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The top-level error code.</summary>
    public KafkaErrorCode ErrorCode { get; set; }

    /// <summary>The APIs supported by the broker.</summary>
    public List<ApiVersion> ApiKeys { get; set; } = [];

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. Versions 1+.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>Features supported by the broker. Note: in v0-v3, features with MinSupportedVersion = 0 are omitted. Versions 3+. Tagged field 0.</summary>
    public List<SupportedFeatureKey> SupportedFeatures { get; set; } = [];

    /// <summary>The monotonically increasing epoch for the finalized features information. Valid values are &gt;= 0. A value of -1 is special and represents unknown epoch. Versions 3+. Tagged field 1.</summary>
    public long FinalizedFeaturesEpoch { get; set; } = -1;

    /// <summary>List of cluster-wide finalized features. The information is valid only if FinalizedFeaturesEpoch &gt;= 0. Versions 3+. Tagged field 2.</summary>
    public List<FinalizedFeatureKey> FinalizedFeatures { get; set; } = [];

    /// <summary>Set by a KRaft controller if the required configurations for ZK migration are present. Versions 3+. Tagged field 3.</summary>
    public bool ZkMigrationReady { get; set; }

    public static ApiVersionsResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        var result = new ApiVersionsResponse();
        result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("ApiVersionsResponse.ErrorCode");
        result.ApiKeys = flexible ? reader.ReadCompactArray<ApiVersion>(version, "ApiVersionsResponse.ApiKeys") : reader.ReadArray<ApiVersion>(version, "ApiVersionsResponse.ApiKeys");
        if (version >= 1)
        {
            result.ThrottleTimeMs = reader.ReadInt32("ApiVersionsResponse.ThrottleTimeMs");
        }

        if (flexible)
        {
            var taggedCount = reader.ReadUnsignedVarint("ApiVersionsResponse tagged fields");
            for (uint i = 0; i < taggedCount; i++)
            {
                var tagged = reader.ReadTaggedField(out var tag, "ApiVersionsResponse tagged fields");
                switch (tag)
                {
                    case 0:
                        result.SupportedFeatures = tagged.ReadCompactArray<SupportedFeatureKey>(version, "ApiVersionsResponse.SupportedFeatures");
                        break;
                    case 1:
                        result.FinalizedFeaturesEpoch = tagged.ReadInt64("ApiVersionsResponse.FinalizedFeaturesEpoch");
                        break;
                    case 2:
                        result.FinalizedFeatures = tagged.ReadCompactArray<FinalizedFeatureKey>(version, "ApiVersionsResponse.FinalizedFeatures");
                        break;
                    case 3:
                        result.ZkMigrationReady = tagged.ReadBoolean("ApiVersionsResponse.ZkMigrationReady");
                        break;
                    default:
                        break;
                }
            }
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        var flexible = version >= 3;
        writer.WriteInt16((short)ErrorCode);
        if (flexible)
        {
            writer.WriteCompactArray(ApiKeys, version);
        }
        else
        {
            writer.WriteArray(ApiKeys, version);
        }

        if (version >= 1)
        {
            writer.WriteInt32(ThrottleTimeMs);
        }

        if (flexible)
        {
            var taggedCount = 0u;
            if (SupportedFeatures is { Count: > 0 })
            {
                taggedCount++;
            }

            if (FinalizedFeaturesEpoch != -1)
            {
                taggedCount++;
            }

            if (FinalizedFeatures is { Count: > 0 })
            {
                taggedCount++;
            }

            if (ZkMigrationReady)
            {
                taggedCount++;
            }

            writer.WriteUnsignedVarint(taggedCount);
            if (SupportedFeatures is { Count: > 0 })
            {
                using var tagged = new KafkaWriter();
                tagged.WriteCompactArray(SupportedFeatures, version);
                writer.WriteTaggedField(0, tagged.WrittenSpan);
            }

            if (FinalizedFeaturesEpoch != -1)
            {
                using var tagged = new KafkaWriter();
                tagged.WriteInt64(FinalizedFeaturesEpoch);
                writer.WriteTaggedField(1, tagged.WrittenSpan);
            }

            if (FinalizedFeatures is { Count: > 0 })
            {
                using var tagged = new KafkaWriter();
                tagged.WriteCompactArray(FinalizedFeatures, version);
                writer.WriteTaggedField(2, tagged.WrittenSpan);
            }

            if (ZkMigrationReady)
            {
                using var tagged = new KafkaWriter();
                tagged.WriteBoolean(ZkMigrationReady);
                writer.WriteTaggedField(3, tagged.WrittenSpan);
            }
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"ApiVersionsResponse version {version} is not supported (0-3).");
        }
    }

    /// <summary>An element of ApiVersionsResponse.ApiKeys.</summary>
    public sealed class ApiVersion : IKafkaStruct<ApiVersion>
    {
        /// <summary>The API index.</summary>
        public ApiKey ApiKey { get; set; }

        /// <summary>The minimum supported version, inclusive.</summary>
        public short MinVersion { get; set; }

        /// <summary>The maximum supported version, inclusive.</summary>
        public short MaxVersion { get; set; }

        public static ApiVersion Read(ref KafkaReader reader, short version)
        {
            var flexible = version >= 3;
            var result = new ApiVersion();
            result.ApiKey = (ApiKey)reader.ReadInt16("ApiVersion.ApiKey");
            result.MinVersion = reader.ReadInt16("ApiVersion.MinVersion");
            result.MaxVersion = reader.ReadInt16("ApiVersion.MaxVersion");
            if (flexible)
            {
                reader.SkipTaggedFields("ApiVersion tagged fields");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            var flexible = version >= 3;
            writer.WriteInt16((short)ApiKey);
            writer.WriteInt16(MinVersion);
            writer.WriteInt16(MaxVersion);
            if (flexible)
            {
                writer.WriteEmptyTaggedFields();
            }
        }
    }

    /// <summary>An element of ApiVersionsResponse.SupportedFeatures.</summary>
    public sealed class SupportedFeatureKey : IKafkaStruct<SupportedFeatureKey>
    {
        /// <summary>The name of the feature.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The minimum supported version for the feature.</summary>
        public short MinVersion { get; set; }

        /// <summary>The maximum supported version for the feature.</summary>
        public short MaxVersion { get; set; }

        public static SupportedFeatureKey Read(ref KafkaReader reader, short version)
        {
            var result = new SupportedFeatureKey();
            result.Name = reader.ReadCompactString("SupportedFeatureKey.Name");
            result.MinVersion = reader.ReadInt16("SupportedFeatureKey.MinVersion");
            result.MaxVersion = reader.ReadInt16("SupportedFeatureKey.MaxVersion");
            reader.SkipTaggedFields("SupportedFeatureKey tagged fields");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteCompactString(Name);
            writer.WriteInt16(MinVersion);
            writer.WriteInt16(MaxVersion);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>An element of ApiVersionsResponse.FinalizedFeatures.</summary>
    public sealed class FinalizedFeatureKey : IKafkaStruct<FinalizedFeatureKey>
    {
        /// <summary>The name of the feature.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The cluster-wide finalized max version level for the feature.</summary>
        public short MaxVersionLevel { get; set; }

        /// <summary>The cluster-wide finalized min version level for the feature.</summary>
        public short MinVersionLevel { get; set; }

        public static FinalizedFeatureKey Read(ref KafkaReader reader, short version)
        {
            var result = new FinalizedFeatureKey();
            result.Name = reader.ReadCompactString("FinalizedFeatureKey.Name");
            result.MaxVersionLevel = reader.ReadInt16("FinalizedFeatureKey.MaxVersionLevel");
            result.MinVersionLevel = reader.ReadInt16("FinalizedFeatureKey.MinVersionLevel");
            reader.SkipTaggedFields("FinalizedFeatureKey tagged fields");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteCompactString(Name);
            writer.WriteInt16(MaxVersionLevel);
            writer.WriteInt16(MinVersionLevel);
            writer.WriteEmptyTaggedFields();
        }
    }
}
