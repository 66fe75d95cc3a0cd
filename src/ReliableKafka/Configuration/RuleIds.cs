namespace ReliableKafka.Configuration;

/// <summary>
/// The ids of the producer configuration rules. The library's start-up validation, <c>rk lint</c> and
/// <c>rk advise</c> share this one rule set.
/// </summary>
public static class RuleIds
{
    /// <summary>bootstrap.servers is missing or empty.</summary>
    public const string MissingBootstrapServers = "RK001";

    /// <summary>A property librdkafka does not know (with a "did you mean" suggestion).</summary>
    public const string UnknownProperty = "RK002";

    /// <summary>A value that is not valid for its property (not a number, not a boolean, an unknown acks value).</summary>
    public const string InvalidValue = "RK003";

    /// <summary>enable.idempotence=true with acks other than all.</summary>
    public const string IdempotenceRequiresAcksAll = "RK004";

    /// <summary>enable.idempotence=true with max.in.flight.requests.per.connection above 5.</summary>
    public const string IdempotenceRequiresMaxInFlight5 = "RK005";

    /// <summary>enable.idempotence=true with retries set to 0.</summary>
    public const string IdempotenceRequiresRetries = "RK006";

    /// <summary>delivery.timeout.ms below linger.ms + request.timeout.ms.</summary>
    public const string DeliveryTimeoutBelowLingerPlusRequest = "RK007";

    /// <summary>acks=0 or acks=1 under the Critical profile.</summary>
    public const string CriticalRequiresAcksAll = "RK008";

    /// <summary>Idempotence turned off under the Critical profile.</summary>
    public const string CriticalRequiresIdempotence = "RK009";

    /// <summary>Retries without idempotence and more than one request in flight: a retried batch can land after a later one.</summary>
    public const string ReorderingRisk = "RK010";

    /// <summary>delivery.timeout.ms under 30 s: messages fail during ordinary broker maintenance.</summary>
    public const string ShortDeliveryTimeout = "RK011";

    /// <summary>An idempotent producer whose delivery.timeout.ms is under twice max(request.timeout.ms, socket.timeout.ms): no room to retry a lost answer.</summary>
    public const string NoRoomToRetry = "RK012";

    /// <summary>A transactional producer (transactional.id set) that turns idempotence off, weakens acks, or has an empty id.</summary>
    public const string TransactionalRequiresIdempotence = "RK013";

    /// <summary>transaction.timeout.ms above Kafka's transaction.max.timeout.ms (15 minutes), or below the delivery or socket timeout.</summary>
    public const string TransactionTimeout = "RK014";
}
