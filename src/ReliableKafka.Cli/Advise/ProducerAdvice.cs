using ReliableKafka.Configuration;

namespace ReliableKafka.Cli.Advise;

/// <summary>Topic settings for the advised profile.</summary>
/// <param name="ReplicationFactor">replication.factor (at most the number of brokers).</param>
/// <param name="MinInSyncReplicas">min.insync.replicas.</param>
/// <param name="UncleanLeaderElection">unclean.leader.election.enable.</param>
internal sealed record TopicAdvice(int ReplicationFactor, int MinInSyncReplicas, bool UncleanLeaderElection);

/// <summary>What <see cref="Advisor"/> recommends for a set of <see cref="AdviceAnswers"/>.</summary>
/// <param name="Answers">The answers it was given.</param>
/// <param name="Profile">The reliability profile.</param>
/// <param name="Producer">The producer configuration, librdkafka canonical names (bootstrap.servers first), in a stable order.</param>
/// <param name="Topic">The topic settings.</param>
/// <param name="Reasons">Why, one line each.</param>
/// <param name="Warnings">Risks the answers leave, one line each (for example fewer than three brokers for Critical).</param>
/// <param name="Findings">What the library's rule set says about <paramref name="Producer"/> under <paramref name="Profile"/>: empty unless a rule changed.</param>
internal sealed record ProducerAdvice(
    AdviceAnswers Answers,
    ReliabilityProfile Profile,
    IReadOnlyList<KeyValuePair<string, string>> Producer,
    TopicAdvice Topic,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<ConfigFinding> Findings);
