using System.Diagnostics;
using ReliableKafka.Reading;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Faults;

namespace ReliableKafka.Audit.Checking;

/// <summary>The outcome of one schedule.</summary>
/// <param name="Schedule">The schedule run.</param>
/// <param name="Violations">The invariants it broke (none when it passed).</param>
/// <param name="Acknowledged">Records acknowledged to producers.</param>
/// <param name="Consumed">Records consumers read.</param>
/// <param name="Elections">Elections recorded (unclean ones included).</param>
/// <param name="UncleanElections">Unclean elections recorded.</param>
/// <param name="Truncations">Replica truncations recorded.</param>
/// <param name="Refused">Steps the cluster refused (for example a leader move to a replica out of the ISR).</param>
/// <param name="Elapsed">How long it took.</param>
/// <param name="TransactionsCommitted">Transactions the transactional producer was told were committed.</param>
/// <param name="TransactionsAborted">Transactions it was told were aborted.</param>
public sealed record ScheduleResult(
    CheckSchedule Schedule,
    IReadOnlyList<CheckViolation> Violations,
    int Acknowledged,
    int Consumed,
    int Elections,
    int UncleanElections,
    int Truncations,
    int Refused,
    TimeSpan Elapsed,
    int TransactionsCommitted = 0,
    int TransactionsAborted = 0)
{
    /// <summary>True when no invariant broke.</summary>
    public bool Passed => Violations.Count == 0;
}

/// <summary>Runs one fault schedule against a fresh in-process simulated cluster with the checker's workload, and checks every invariant.</summary>
public static class ScheduleRunner
{
    private static readonly TimeSpan ObserveEvery = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="schedule"/> and returns what it broke.</summary>
    /// <param name="schedule">The nemesis steps.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The result.</returns>
    public static Task<ScheduleResult> RunAsync(CheckSchedule schedule, CancellationToken cancellationToken = default) =>
        RunAsync(schedule, new HashSet<Confluent.Kafka.Acks> { Confluent.Kafka.Acks.All }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="schedule"/>, holding acknowledgements with any of <paramref name="guaranteedAcks"/> to
    /// survive, and reading the transactional topic (live and at the end) with <paramref name="transactionalReads"/>
    /// while holding it to read_committed's promises.
    /// </summary>
    internal static async Task<ScheduleResult> RunAsync(
        CheckSchedule schedule,
        IReadOnlySet<Confluent.Kafka.Acks> guaranteedAcks,
        CancellationToken cancellationToken,
        Confluent.Kafka.IsolationLevel transactionalReads = Confluent.Kafka.IsolationLevel.ReadCommitted)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var watch = Stopwatch.StartNew();
        await using var cluster = SimulatedCluster.Start(CheckTopology.ClusterOptions);
        cluster.CreateTopic(CheckTopology.SafeTopic, new TopicSettings(CheckTopology.SafePartitions, 3, 2));
        cluster.CreateTopic(CheckTopology.UncleanTopic, new TopicSettings(1, 3, 1, UncleanLeaderElection: true));
        cluster.CreateTopic(CheckTopology.TransactionalTopic, new TopicSettings(CheckTopology.TransactionalPartitions, 3, 2));
        IReadOnlyList<(string Topic, int Partition)> partitions =
        [
            .. Enumerable.Range(0, CheckTopology.SafePartitions).Select(static p => (CheckTopology.SafeTopic, p)),
            (CheckTopology.UncleanTopic, 0),
            .. Enumerable.Range(0, CheckTopology.TransactionalPartitions).Select(static p => (CheckTopology.TransactionalTopic, p)),
        ];
        var monitor = new ReplicaMonitor(cluster, partitions);
        using var stopObserving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var observing = ObserveAsync(monitor, stopObserving.Token);
        var refused = 0;
        var held = new List<FaultHandle>();
        var workload = CheckWorkload.Start(cluster.BootstrapServers, transactionalReads);
        await using (workload.ConfigureAwait(false))
        {
            // Faults start once every producer has written, so that even a one-step schedule meets a running workload.
            await WarmUpAsync(workload, cancellationToken).ConfigureAwait(false);
            foreach (var step in schedule.Steps)
            {
                await Task.Delay(step.AfterMilliseconds, cancellationToken).ConfigureAwait(false);
                refused += Nemesis.Act(cluster, step.Action, held) ? 0 : 1;
                monitor.Observe();
            }

            // Heal everything: faults end, stopped brokers come back, and the partitions settle with full ISRs.
            cluster.ClearFaults();
            foreach (var broker in cluster.BrokerIds)
            {
                cluster.RestartBroker(broker);
            }

            await SettleAsync(cluster, partitions, cancellationToken).ConfigureAwait(false);
            await workload.StopProducingAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            await SettleAsync(cluster, partitions, cancellationToken).ConfigureAwait(false);
            var stuck = await StableAsync(cluster, partitions, cancellationToken).ConfigureAwait(false);
            await stopObserving.CancelAsync().ConfigureAwait(false);
            await observing.ConfigureAwait(false);
            monitor.Observe();

            var logs = ReadFinalLogs(cluster.BootstrapServers, cancellationToken);
            var violations = new List<CheckViolation>(monitor.Violations);
            violations.AddRange(stuck);
            violations.AddRange(TransactionChecks.Run(
                () => ExplainTransactions(cluster),
                [.. workload.Transactions],
                [.. workload.CommittedReads],
                ReadCommittedView(cluster.BootstrapServers, transactionalReads, cancellationToken)));
            violations.AddRange(FinalChecks.Run(
                (t, p) => monitor.UncleanAfter(t, p, 0),
                monitor.Explain,
                (t, p, offset) => cluster.Truth.For(t, p).Any(e => e.Kind == TruthEventKind.Refused && e.FirstOffset == offset),
                logs,
                guaranteedAcks, [.. workload.Deliveries], [.. workload.Reads], [.. workload.Rewinds]));
            var truth = cluster.Truth.Events;
            return new ScheduleResult(
                schedule,
                violations,
                workload.Deliveries.Count(static d => d.Persisted),
                workload.Reads.Count,
                truth.Count(static e => e.Kind == TruthEventKind.Elected && e.Election is not (ElectionKind.Initial or ElectionKind.Restored)),
                truth.Count(static e => e.Kind == TruthEventKind.Elected && e.Election == ElectionKind.Unclean),
                truth.Count(static e => e.Kind == TruthEventKind.Truncated),
                refused,
                watch.Elapsed,
                workload.Transactions.Count(static t => t.Outcome == TransactionClientOutcome.Committed),
                workload.Transactions.Count(static t => t.Outcome == TransactionClientOutcome.Aborted));
        }
    }

    private static async Task WarmUpAsync(CheckWorkload workload, CancellationToken token)
    {
        var waited = Stopwatch.StartNew();
        while ((workload.Deliveries.Select(static d => d.Producer).Distinct().Count() < workload.Producers || workload.Transactions.IsEmpty) && waited.Elapsed < SettleTimeout)
        {
            await Task.Delay(ObserveEvery, token).ConfigureAwait(false);
        }
    }

    internal static async Task ObserveAsync(ReplicaMonitor monitor, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            monitor.Observe();
            try
            {
                await Task.Delay(ObserveEvery, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits until every partition has a leader and every replica is in sync at the leader's log end.</summary>
    internal static async Task SettleAsync(SimulatedCluster cluster, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken token)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var settled = partitions.Select(p => cluster.Inspect(p.Topic, p.Partition)!).All(static p =>
                p.Leader >= 0 && p.Isr.Count == p.Replicas.Count && p.Replicas.All(r => r.Online && r.LogEndOffset == p.HighWatermark));
            if (settled)
            {
                return;
            }

            if (deadline.Elapsed > SettleTimeout)
            {
                var state = string.Join("; ", partitions.Select(p => cluster.Inspect(p.Topic, p.Partition)!).Select(static p =>
                    $"{p.Topic}[{p.Partition}] leader {p.Leader} ISR {{{string.Join(",", p.Isr)}}} HW {p.HighWatermark} LEO {string.Join("/", p.Replicas.Select(static r => r.LogEndOffset))}"));
                throw new TimeoutException($"The cluster did not settle within {SettleTimeout.TotalSeconds} s after every fault was healed: {state}");
            }

            await Task.Delay(ObserveEvery, token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Once the producers stopped, no transaction stays open for long: the last stable offset of every partition must
    /// reach the high watermark within the transaction timeout (a producer that died mid-transaction is aborted by
    /// then). A violation for each partition where it does not.
    /// </summary>
    private static async Task<List<CheckViolation>> StableAsync(SimulatedCluster cluster, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken token)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var behind = partitions.Select(p => cluster.Inspect(p.Topic, p.Partition)!).Where(static p => p.LastStableOffset != p.HighWatermark).ToList();
            if (behind.Count == 0)
            {
                return [];
            }

            if (waited.Elapsed > SettleTimeout)
            {
                var open = string.Join("; ", cluster.DescribeTransactions().Select(static t => $"{t.TransactionalId} {t.State} epoch {t.ProducerEpoch}, markers missing: {string.Join(",", t.PendingMarkers)}"));
                return [.. behind.Select(p => new CheckViolation(CheckInvariant.LastStableOffsetConsistent, p.Topic, p.Partition,
                    $"the last stable offset stays at {p.LastStableOffset} behind the high watermark {p.HighWatermark} {SettleTimeout.TotalSeconds} s after the producers stopped; coordinator: {open}"))];
            }

            await Task.Delay(ObserveEvery, token).ConfigureAwait(false);
        }
    }

    private static string ExplainTransactions(SimulatedCluster cluster) =>
        "ground truth: " + string.Join(" | ", cluster.Truth.Events
            .Where(static e => e.TransactionalId == CheckTopology.TransactionalId && e.Kind is TruthEventKind.TransactionDecided or TruthEventKind.ProducerFenced or TruthEventKind.TransactionTimedOut)
            .TakeLast(12)
            .Select(static e => $"#{e.Sequence} {e.Detail}"));

    private static List<Consumed> ReadCommittedView(string bootstrapServers, Confluent.Kafka.IsolationLevel isolation, CancellationToken token)
    {
        var reader = new TopicReader(bootstrapServers, [new("client.id", "check-final-read-committed"), new("fetch.wait.max.ms", "50")])
        {
            Timeout = TimeSpan.FromSeconds(60),
            Isolation = isolation,
        };
        return [.. reader.Read<Confluent.Kafka.Ignore, string>(CheckTopology.TransactionalTopic, cancellationToken: token)
            .Select(static r => new Consumed("final read_committed view", CheckTopology.TransactionalTopic, r.Partition, r.Offset, r.Value))];
    }

    private static Dictionary<(string Topic, int Partition), Dictionary<long, string>> ReadFinalLogs(string bootstrapServers, CancellationToken token)
    {
        var reader = new TopicReader(bootstrapServers, [new("client.id", "check-final-read"), new("fetch.wait.max.ms", "50")])
        {
            Timeout = TimeSpan.FromSeconds(60),
            Isolation = Confluent.Kafka.IsolationLevel.ReadUncommitted,
        };
        var logs = new Dictionary<(string, int), Dictionary<long, string>>();
        foreach (var topic in new[] { CheckTopology.SafeTopic, CheckTopology.UncleanTopic })
        {
            foreach (var record in reader.Read<Confluent.Kafka.Ignore, string>(topic, cancellationToken: token))
            {
                if (!logs.TryGetValue((topic, record.Partition), out var log))
                {
                    logs[(topic, record.Partition)] = log = [];
                }

                log[record.Offset] = record.Value;
            }
        }

        return logs;
    }
}
