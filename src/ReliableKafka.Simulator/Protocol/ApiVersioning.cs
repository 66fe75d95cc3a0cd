namespace ReliableKafka.Simulator.Protocol;

/// <summary>Which versions of each API are flexible, and the header versions that follow from it.</summary>
internal static class ApiVersioning
{
    /// <summary>Sentinel for an API with no flexible version.</summary>
    public const short NeverFlexible = short.MaxValue;

    /// <summary>
    /// The first flexible version of each API (the schemas' "flexibleVersions"). Unknown keys are treated as never
    /// flexible, so their request header is read as v1.
    /// </summary>
    public static short FirstFlexibleVersion(ApiKey apiKey) => apiKey switch
    {
        ApiKey.Produce => 9,
        ApiKey.Fetch => 12,
        ApiKey.ListOffsets => 6,
        ApiKey.Metadata => 9,
        ApiKey.OffsetCommit => 8,
        ApiKey.OffsetFetch => 6,
        ApiKey.FindCoordinator => 3,
        ApiKey.JoinGroup => 6,
        ApiKey.Heartbeat => 4,
        ApiKey.LeaveGroup => 4,
        ApiKey.SyncGroup => 4,
        ApiKey.DescribeGroups => 5,
        ApiKey.ListGroups => 3,
        ApiKey.SaslHandshake => NeverFlexible,
        ApiKey.ApiVersions => 3,
        ApiKey.CreateTopics => 5,
        ApiKey.DeleteTopics => 4,
        ApiKey.InitProducerId => 2,
        ApiKey.OffsetForLeaderEpoch => 4,
        ApiKey.AddPartitionsToTxn => 3,
        ApiKey.AddOffsetsToTxn => 3,
        ApiKey.EndTxn => 3,
        ApiKey.TxnOffsetCommit => 3,
        ApiKey.DescribeConfigs => 4,
        ApiKey.CreatePartitions => 2,
        ApiKey.DescribeCluster => 0,
        ApiKey.GetTelemetrySubscriptions => 0,
        _ => NeverFlexible,
    };

    public static bool IsFlexible(ApiKey apiKey, short version) => version >= FirstFlexibleVersion(apiKey);

    /// <summary>Request header v2 (tagged fields) for flexible versions, otherwise v1.</summary>
    public static short RequestHeaderVersion(ApiKey apiKey, short version) => IsFlexible(apiKey, version) ? (short)2 : (short)1;

    /// <summary>Response header v1 (tagged fields) for flexible versions, otherwise v0. ApiVersions always uses v0.</summary>
    public static short ResponseHeaderVersion(ApiKey apiKey, short version) =>
        apiKey != ApiKey.ApiVersions && IsFlexible(apiKey, version) ? (short)1 : (short)0;
}
