using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Audit;

/// <summary>
/// The faults the audit's scenarios apply to a cluster. An operation the cluster cannot do throws
/// <see cref="NotSupportedException"/>; <see cref="Capabilities"/> says which it can, so scenarios that need others are
/// skipped rather than run half-way.
/// </summary>
public interface IClusterFaults
{
    /// <summary>What kind of cluster this is, for the report (for example "simulator" or "command hook").</summary>
    string Kind { get; }

    /// <summary>The faults this cluster can apply.</summary>
    FaultCapabilities Capabilities { get; }

    /// <summary>The cluster's ground truth when it keeps one (the simulator); null otherwise.</summary>
    GroundTruth? Truth { get; }

    /// <summary>
    /// Shuts a broker down the way an operator stops one for maintenance (a rolling restart, an outage): a clean
    /// shutdown, not a crash. The simulator moves leadership to other in-sync replicas first, then stops the broker;
    /// a command hook runs its "stop" action, which for Kafka should be a SIGTERM (a controlled shutdown).
    /// </summary>
    /// <param name="broker">The broker id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when it is stopped.</returns>
    Task ShutdownBrokerAsync(int broker, CancellationToken cancellationToken);

    /// <summary>Crashes a broker without a clean shutdown.</summary>
    /// <param name="broker">The broker id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when it is down.</returns>
    Task CrashBrokerAsync(int broker, CancellationToken cancellationToken);

    /// <summary>Shuts a broker down cleanly: leadership is moved to other in-sync replicas first, then it stops.</summary>
    /// <param name="broker">The broker id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when it is down.</returns>
    Task CleanShutdownBrokerAsync(int broker, CancellationToken cancellationToken);

    /// <summary>Starts a stopped or crashed broker.</summary>
    /// <param name="broker">The broker id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when it has been started.</returns>
    Task StartBrokerAsync(int broker, CancellationToken cancellationToken);

    /// <summary>Stops (or resumes) a follower copying one partition from its leader.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="broker">The follower's broker id.</param>
    /// <param name="stopped">True to stop it, false to resume it.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when applied.</returns>
    Task SetFollowerStoppedAsync(string topic, int partition, int broker, bool stopped, CancellationToken cancellationToken);

    /// <summary>Drops the responses to a broker's next Produce requests after the append.</summary>
    /// <param name="broker">The broker id.</param>
    /// <param name="count">How many responses, 1 or more; the fault ends when they are used up or the run heals the cluster.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when applied.</returns>
    Task DropProduceResponsesAsync(int broker, int count, CancellationToken cancellationToken);

    /// <summary>How many Produce responses of a broker are still to be dropped.</summary>
    /// <param name="broker">The broker id.</param>
    /// <returns>The count.</returns>
    int PendingDroppedResponses(int broker);

    /// <summary>Cuts (or restores) the network between the clients with <paramref name="clientId"/> and a broker.</summary>
    /// <param name="clientId">The client.id the clients connect with.</param>
    /// <param name="broker">The broker id.</param>
    /// <param name="cut">True to cut, false to restore.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when applied.</returns>
    Task SetNetworkCutAsync(string clientId, int broker, bool cut, CancellationToken cancellationToken);

    /// <summary>A partition's leader, replicas and ISR as the cluster reports them now.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The layout.</returns>
    Task<PartitionLayout> DescribePartitionAsync(string topic, int partition, CancellationToken cancellationToken);

    /// <summary>The broker ids.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Every broker id, up or down, in order.</returns>
    Task<IReadOnlyList<int>> BrokerIdsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Holds the transaction markers that the coordinator of <paramref name="transactionalId"/> writes: its decided
    /// transactions stay invisible to read_committed consumers until the cluster heals or the coordinator moves.
    /// </summary>
    /// <param name="transactionalId">The transactional id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The coordinator's broker id.</returns>
    Task<int> HoldTransactionMarkersAsync(string transactionalId, CancellationToken cancellationToken);
}
