namespace ReliableKafka.Tests.Infrastructure;

/// <summary>
/// Kafka protocol request types (ApiKeys) that the mock cluster can fail on demand.
/// </summary>
internal enum KafkaApiKey : short
{
    /// <summary>ProduceRequest.</summary>
    Produce = 0,
    /// <summary>FetchRequest.</summary>
    Fetch = 1,
    /// <summary>ListOffsetsRequest.</summary>
    ListOffsets = 2,
    /// <summary>MetadataRequest.</summary>
    Metadata = 3,
    /// <summary>OffsetCommitRequest.</summary>
    OffsetCommit = 8,
    /// <summary>OffsetFetchRequest.</summary>
    OffsetFetch = 9,
    /// <summary>FindCoordinatorRequest.</summary>
    FindCoordinator = 10,
    /// <summary>JoinGroupRequest.</summary>
    JoinGroup = 11,
    /// <summary>HeartbeatRequest.</summary>
    Heartbeat = 12,
    /// <summary>LeaveGroupRequest.</summary>
    LeaveGroup = 13,
    /// <summary>SyncGroupRequest.</summary>
    SyncGroup = 14,
    /// <summary>DescribeGroupsRequest.</summary>
    DescribeGroups = 15,
    /// <summary>ListGroupsRequest.</summary>
    ListGroups = 16,
    /// <summary>SaslHandshakeRequest.</summary>
    SaslHandshake = 17,
    /// <summary>ApiVersionsRequest.</summary>
    ApiVersions = 18,
    /// <summary>CreateTopicsRequest.</summary>
    CreateTopics = 19,
    /// <summary>DeleteTopicsRequest.</summary>
    DeleteTopics = 20,
    /// <summary>DeleteRecordsRequest.</summary>
    DeleteRecords = 21,
    /// <summary>InitProducerIdRequest.</summary>
    InitProducerId = 22,
    /// <summary>OffsetForLeaderEpochRequest.</summary>
    OffsetForLeaderEpoch = 23,
    /// <summary>AddPartitionsToTxnRequest.</summary>
    AddPartitionsToTxn = 24,
    /// <summary>AddOffsetsToTxnRequest.</summary>
    AddOffsetsToTxn = 25,
    /// <summary>EndTxnRequest.</summary>
    EndTxn = 26,
    /// <summary>TxnOffsetCommitRequest.</summary>
    TxnOffsetCommit = 28,
}
