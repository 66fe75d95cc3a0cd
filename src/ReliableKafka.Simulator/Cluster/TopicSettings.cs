namespace ReliableKafka.Simulator.Cluster;

/// <summary>The configuration of one topic, as DescribeConfigs reports it.</summary>
/// <param name="Partitions">Number of partitions.</param>
/// <param name="ReplicationFactor">Replicas per partition.</param>
/// <param name="MinInSyncReplicas">min.insync.replicas: the ISR size acks=all needs.</param>
/// <param name="UncleanLeaderElection">unclean.leader.election.enable.</param>
/// <param name="MaxMessageBytes">max.message.bytes: the largest batch accepted.</param>
public sealed record TopicSettings(
    int Partitions = 1,
    int ReplicationFactor = 1,
    int MinInSyncReplicas = 1,
    bool UncleanLeaderElection = false,
    int MaxMessageBytes = 1_048_588);
