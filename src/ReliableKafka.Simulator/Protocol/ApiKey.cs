namespace ReliableKafka.Simulator.Protocol;

/// <summary>Kafka API keys (the "apiKey" of each message schema).</summary>
public enum ApiKey : short
{
    /// <summary>The Produce API (key 0).</summary>
    Produce = 0,
    /// <summary>The Fetch API (key 1).</summary>
    Fetch = 1,
    /// <summary>The ListOffsets API (key 2).</summary>
    ListOffsets = 2,
    /// <summary>The Metadata API (key 3).</summary>
    Metadata = 3,
    /// <summary>The OffsetCommit API (key 8).</summary>
    OffsetCommit = 8,
    /// <summary>The OffsetFetch API (key 9).</summary>
    OffsetFetch = 9,
    /// <summary>The FindCoordinator API (key 10).</summary>
    FindCoordinator = 10,
    /// <summary>The JoinGroup API (key 11).</summary>
    JoinGroup = 11,
    /// <summary>The Heartbeat API (key 12).</summary>
    Heartbeat = 12,
    /// <summary>The LeaveGroup API (key 13).</summary>
    LeaveGroup = 13,
    /// <summary>The SyncGroup API (key 14).</summary>
    SyncGroup = 14,
    /// <summary>The DescribeGroups API (key 15).</summary>
    DescribeGroups = 15,
    /// <summary>The ListGroups API (key 16).</summary>
    ListGroups = 16,
    /// <summary>The SaslHandshake API (key 17).</summary>
    SaslHandshake = 17,
    /// <summary>The ApiVersions API (key 18).</summary>
    ApiVersions = 18,
    /// <summary>The CreateTopics API (key 19).</summary>
    CreateTopics = 19,
    /// <summary>The DeleteTopics API (key 20).</summary>
    DeleteTopics = 20,
    /// <summary>The InitProducerId API (key 22).</summary>
    InitProducerId = 22,
    /// <summary>The OffsetForLeaderEpoch API (key 23).</summary>
    OffsetForLeaderEpoch = 23,
    /// <summary>The AddPartitionsToTxn API (key 24).</summary>
    AddPartitionsToTxn = 24,
    /// <summary>The AddOffsetsToTxn API (key 25).</summary>
    AddOffsetsToTxn = 25,
    /// <summary>The EndTxn API (key 26).</summary>
    EndTxn = 26,
    /// <summary>The TxnOffsetCommit API (key 28).</summary>
    TxnOffsetCommit = 28,
    /// <summary>The DescribeConfigs API (key 32).</summary>
    DescribeConfigs = 32,
    /// <summary>The CreatePartitions API (key 37).</summary>
    CreatePartitions = 37,
    /// <summary>The DescribeCluster API (key 60).</summary>
    DescribeCluster = 60,
    /// <summary>The GetTelemetrySubscriptions API (key 71).</summary>
    GetTelemetrySubscriptions = 71,
}
