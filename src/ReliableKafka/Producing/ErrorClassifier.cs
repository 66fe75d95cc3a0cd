using System.Collections.Frozen;
using Confluent.Kafka;

namespace ReliableKafka;

/// <summary>
/// Sorts every Confluent.Kafka <see cref="ErrorCode"/> into <see cref="FailureKind.Retriable"/>,
/// <see cref="FailureKind.Fatal"/> or <see cref="FailureKind.Configuration"/>. Every code not named retriable or
/// configuration is fatal: the message cannot be delivered as it is (too large, invalid or corrupt record,
/// unserializable) or the client instance broke (fenced or out-of-sequence producer, librdkafka fatal errors). So an
/// unknown failure is dead-lettered rather than retried forever or dropped.
/// </summary>
public static class ErrorClassifier
{
    private static readonly FrozenSet<ErrorCode> RetriableCodes = new[]
    {
        // librdkafka: the message timed out, the network or brokers are down, a queue was full or purged.
        ErrorCode.Local_MsgTimedOut, ErrorCode.Local_TimedOut, ErrorCode.Local_TimedOutQueue, ErrorCode.Local_Transport,
        ErrorCode.Local_AllBrokersDown, ErrorCode.Local_Resolve, ErrorCode.Local_QueueFull, ErrorCode.Local_Retry,
        ErrorCode.Local_PurgeQueue, ErrorCode.Local_PurgeInflight, ErrorCode.Local_WaitCoord, ErrorCode.Local_WaitCache,
        ErrorCode.Local_NodeUpdate, ErrorCode.Local_Destroy, ErrorCode.Local_DestroyBroker, ErrorCode.Local_InProgress,
        ErrorCode.Local_PrevInProgress, ErrorCode.Local_Intr, ErrorCode.Local_Fail, ErrorCode.Local_IsrInsuff,
        ErrorCode.Local_UnknownBroker, ErrorCode.Local_Partial, ErrorCode.Local_Outdated,

        // Broker errors Kafka marks retriable: leadership moves, replicas out of sync, timeouts, coordinators loading.
        ErrorCode.LeaderNotAvailable, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut,
        ErrorCode.BrokerNotAvailable, ErrorCode.ReplicaNotAvailable, ErrorCode.NetworkException,
        ErrorCode.GroupLoadInProgress, ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.NotCoordinatorForGroup,
        ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicasAfterAppend, ErrorCode.NotController,
        ErrorCode.KafkaStorageError, ErrorCode.FencedLeaderEpoch, ErrorCode.UnknownLeaderEpoch,
        ErrorCode.OffsetNotAvailable, ErrorCode.PreferredLeaderNotAvailable, ErrorCode.EligibleLeadersNotAvailable,
        ErrorCode.ConcurrentTransactions, ErrorCode.ThrottlingQuotaExceeded, ErrorCode.UnstableOffsetCommit,
        ErrorCode.RebalanceInProgress, ErrorCode.UnknownProducerId, ErrorCode.RebootstrapRequired,
        ErrorCode.ReassignmentInProgress, ErrorCode.StaleCtrlEpoch,
    }.ToFrozenSet();

    private static readonly FrozenSet<ErrorCode> ConfigurationCodes = new[]
    {
        // Who may write where, whether the topic exists, how the client authenticates, what the broker supports.
        ErrorCode.TopicAuthorizationFailed, ErrorCode.GroupAuthorizationFailed, ErrorCode.ClusterAuthorizationFailed,
        ErrorCode.TransactionalIdAuthorizationFailed, ErrorCode.DelegationTokenAuthorizationFailed,
        ErrorCode.UnknownTopicOrPart, ErrorCode.UnknownTopicId, ErrorCode.Local_UnknownTopic, ErrorCode.Local_UnknownPartition,
        ErrorCode.InvalidRequiredAcks, ErrorCode.UnsupportedVersion, ErrorCode.UnsupportedSaslMechanism,
        ErrorCode.IllegalSaslState, ErrorCode.SaslAuthenticationFailed, ErrorCode.Local_Authentication, ErrorCode.Local_Ssl,
        ErrorCode.InvalidConfig, ErrorCode.PolicyViolation, ErrorCode.UnsupportedForMessageFormat,
        ErrorCode.UnsupportedCompressionType, ErrorCode.Local_InvalidArg, ErrorCode.Local_NotConfigured,
        ErrorCode.Local_UnsupportedFeature, ErrorCode.Local_NotImplemented, ErrorCode.Local_UnknownProtocol,
        ErrorCode.SecurityDisabled, ErrorCode.InvalidTransactionTimeout, ErrorCode.Local_Conflict,
        ErrorCode.InvalidPartitions, ErrorCode.InvalidReplicationFactor, ErrorCode.InvalidReplicaAssignment,
        ErrorCode.TopicException, ErrorCode.ListenerNotFound, ErrorCode.InvalidPrincipalType,
        ErrorCode.UnacceptableCredential, ErrorCode.PrincipalDeserializationFailure,
    }.ToFrozenSet();

    /// <summary>Classifies an error code.</summary>
    /// <param name="code">The code from a delivery report or an exception.</param>
    /// <returns><see cref="FailureKind.None"/> for <see cref="ErrorCode.NoError"/>; otherwise its kind.</returns>
    public static FailureKind Classify(ErrorCode code)
    {
        if (code == ErrorCode.NoError)
        {
            return FailureKind.None;
        }

        if (RetriableCodes.Contains(code))
        {
            return FailureKind.Retriable;
        }

        return ConfigurationCodes.Contains(code) ? FailureKind.Configuration : FailureKind.Fatal;
    }

    /// <summary>Classifies an error; an error librdkafka flags fatal is <see cref="FailureKind.Fatal"/> whatever its code.</summary>
    /// <param name="error">The error.</param>
    /// <returns>Its kind.</returns>
    public static FailureKind Classify(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.IsFatal ? FailureKind.Fatal : Classify(error.Code);
    }
}
