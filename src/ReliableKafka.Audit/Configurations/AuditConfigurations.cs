namespace ReliableKafka.Audit;

/// <summary>The built-in configurations under audit.</summary>
public static class AuditConfigurations
{
    /// <summary>acks=0: fire and forget.</summary>
    public static AuditConfiguration Acks0 { get; } = AuditConfiguration.Create("acks0", "acks=0",
        new Dictionary<string, string> { ["acks"] = "0" });

    /// <summary>acks=1: the leader alone acknowledges.</summary>
    public static AuditConfiguration Acks1 { get; } = AuditConfiguration.Create("acks1", "acks=1",
        new Dictionary<string, string> { ["acks"] = "1" });

    /// <summary>acks=all without idempotence, max.in.flight 5.</summary>
    public static AuditConfiguration AcksAll { get; } = AuditConfiguration.Create("acks-all", "acks=all without idempotence, max.in.flight 5",
        new Dictionary<string, string> { ["acks"] = "all", ["enable.idempotence"] = "false", ["max.in.flight.requests.per.connection"] = "5" });

    /// <summary>The Critical profile: acks=all, idempotence, max.in.flight 5, retries until the delivery timeout.</summary>
    public static AuditConfiguration Critical { get; } = AuditConfiguration.Create("critical", "the Critical profile (acks=all, idempotence)",
        ReliabilityProfiles.GetDefaults(ReliabilityProfile.Critical));

    /// <summary>
    /// A simplified at-least-once configuration: acks=all, idempotence, delivery.timeout.ms 30000, with linger.ms 0
    /// (the Java client's default): with librdkafka's linger.ms 5 it would break rule
    /// RK007, delivery timeout below linger.ms + request.timeout.ms.
    /// </summary>
    public static AuditConfiguration AtLeastOnce { get; } = AuditConfiguration.Create("at-least-once", "acks=all, idempotence, delivery.timeout.ms 30000, linger.ms 0",
        new Dictionary<string, string> { ["acks"] = "all", ["enable.idempotence"] = "true", ["delivery.timeout.ms"] = "30000", ["linger.ms"] = "0" });

    /// <summary>
    /// Transactions: acks=all, idempotence, a transactional.id (the audit makes it unique per run), messages committed
    /// ten at a time and read back read_committed. Atomic across partitions; a commit is the acknowledgement.
    /// </summary>
    public static AuditConfiguration Transactional { get; } = AuditConfiguration.Create("transactional", "transactions of 10 messages (acks=all, idempotence, transactional.id), read back read_committed",
        new Dictionary<string, string> { ["acks"] = "all", ["enable.idempotence"] = "true", ["transactional.id"] = "rk-audit" });

    /// <summary>Every built-in configuration, in report order.</summary>
    public static IReadOnlyList<AuditConfiguration> All { get; } = [Acks0, Acks1, AcksAll, Critical, AtLeastOnce, Transactional];

    /// <summary>The configurations of the quick matrix.</summary>
    public static IReadOnlyList<AuditConfiguration> Quick { get; } = [Acks0, Acks1, AcksAll, Critical];

    /// <summary>The built-in configuration with this id, or null.</summary>
    /// <param name="id">acks0, acks1, acks-all, critical, at-least-once or transactional.</param>
    /// <returns>The configuration, or null.</returns>
    public static AuditConfiguration? Find(string id) => All.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));
}
