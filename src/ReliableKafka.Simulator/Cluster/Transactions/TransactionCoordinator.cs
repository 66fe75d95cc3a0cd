using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>The states of a transactional id, as Kafka's TransactionState names them.</summary>
internal enum TransactionState
{
    /// <summary>No transaction open: after InitProducerId, or before the first AddPartitionsToTxn.</summary>
    Empty,

    /// <summary>A transaction is open: partitions or groups were added.</summary>
    Ongoing,

    /// <summary>Commit decided; markers being written.</summary>
    PrepareCommit,

    /// <summary>Abort decided; markers being written.</summary>
    PrepareAbort,

    /// <summary>The last transaction committed; every marker written.</summary>
    CompleteCommit,

    /// <summary>The last transaction aborted; every marker written.</summary>
    CompleteAbort,

    /// <summary>A new instance (or the timeout) fenced the producer; the open transaction is being aborted.</summary>
    PrepareEpochFence,
}

/// <summary>What the coordinator knows of one transactional id (Kafka's TransactionMetadata).</summary>
internal sealed class TransactionEntry(string transactionalId)
{
    public string TransactionalId { get; } = transactionalId;

    public long ProducerId { get; set; } = -1;

    public short ProducerEpoch { get; set; } = -1;

    /// <summary>The epoch before the last bump that a producer asked for with its own id and epoch (KIP-360): a retry of that bump gets the current one.</summary>
    public short LastProducerEpoch { get; set; } = -1;

    public int TimeoutMs { get; set; }

    public TransactionState State { get; set; } = TransactionState.Empty;

    /// <summary>The partitions of the open (or finishing) transaction.</summary>
    public SortedSet<(string Topic, int Partition)> Partitions { get; } = [];

    /// <summary>The consumer groups whose offsets the transaction commits (AddOffsetsToTxn).</summary>
    public SortedSet<string> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>Offsets sent with TxnOffsetCommit: they take effect when the transaction commits.</summary>
    public Dictionary<string, Dictionary<(string Topic, int Partition), CommittedOffset>> PendingOffsets { get; } = new(StringComparer.Ordinal);

    /// <summary>When the open transaction began.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The markers still to write (and replicate), per partition; the wait is set once a leader appended one.</summary>
    public Dictionary<(string Topic, int Partition), Task<KafkaErrorCode>?> PendingMarkers { get; } = [];

    /// <summary>The coordinator that writes the markers, and its epoch (one more each time the coordinator moves).</summary>
    public int CoordinatorBroker { get; set; } = -1;

    public int CoordinatorEpoch { get; set; }

    public bool IsPreparing => State is TransactionState.PrepareCommit or TransactionState.PrepareAbort;

    /// <summary>What <see cref="SimulatedCluster.DescribeTransactions"/> returns.</summary>
    public TransactionSnapshot Snapshot(DateTimeOffset now) => new(
        TransactionalId, ProducerId, ProducerEpoch, State.ToString(), TimeoutMs,
        State is TransactionState.Ongoing or TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence ? now - StartedAt : null,
        [.. Partitions.Select(static p => $"{p.Topic}-{p.Partition}")],
        [.. Groups],
        [.. PendingMarkers.Keys.Select(static p => $"{p.Topic}-{p.Partition}")]);
}

/// <summary>
/// The transaction coordinator of the whole cluster: the state of every transactional id, as Kafka keeps it in the
/// replicated __transaction_state topic. Like the group state it is cluster-wide, so it survives a crash of the broker
/// that coordinates an id: the id moves to a live broker (<see cref="RequestHandler.CoordinatorOf"/>), which finishes a
/// PrepareCommit or PrepareAbort by writing the markers that are missing. Requests reach it only through the
/// coordinator broker; markers are written by <see cref="Tick"/>, which the cluster runs in the background.
/// </summary>
internal sealed class TransactionCoordinator(SimulatedCluster cluster)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TransactionEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// InitProducerId with a transactional id: a producer id and a new epoch, fencing the previous instance. With
    /// <paramref name="expectedProducerId"/> and <paramref name="expectedEpoch"/> (v3+, KIP-360) it is a producer
    /// bumping its own epoch to go on after an abortable error: refused with PRODUCER_FENCED (INVALID_PRODUCER_EPOCH before
    /// v4) unless they are the id's current ones (or, for a retry of that bump, the epoch it replaced).
    /// </summary>
    public (KafkaErrorCode Error, long ProducerId, short Epoch) InitProducerId(int coordinator, string transactionalId, int timeoutMs, long expectedProducerId = -1, short expectedEpoch = -1, bool producerFencedKnown = true)
    {
        if (timeoutMs <= 0 || timeoutMs > cluster.Options.TransactionMaxTimeout.TotalMilliseconds)
        {
            return (KafkaErrorCode.InvalidTransactionTimeout, -1, -1);
        }

        lock (_gate)
        {
            if (!_entries.TryGetValue(transactionalId, out var entry))
            {
                entry = new TransactionEntry(transactionalId) { ProducerId = cluster.NextProducerId(), ProducerEpoch = 0, TimeoutMs = timeoutMs };
                _entries[transactionalId] = entry;
                return (KafkaErrorCode.None, entry.ProducerId, entry.ProducerEpoch);
            }

            var fenced = producerFencedKnown ? KafkaErrorCode.ProducerFenced : KafkaErrorCode.InvalidProducerEpoch;
            var expected = expectedProducerId >= 0 || expectedEpoch >= 0;
            if (expected && expectedProducerId != entry.ProducerId)
            {
                return (fenced, -1, -1);
            }

            switch (entry.State)
            {
                case TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence:
                    return (KafkaErrorCode.ConcurrentTransactions, -1, -1);
                case TransactionState.Ongoing:
                    // Kafka fences the old instance (a new epoch) and aborts its transaction; the new instance retries
                    // on CONCURRENT_TRANSACTIONS until the abort is complete, then gets one more epoch.
                    Fence(entry, coordinator, TransactionCause.Fenced);
                    return (KafkaErrorCode.ConcurrentTransactions, -1, -1);
            }

            if (expected && expectedEpoch != entry.ProducerEpoch)
            {
                // A retry of a bump whose answer was lost gets the epoch it already made; anything else is fenced.
                return expectedEpoch == entry.LastProducerEpoch ? (KafkaErrorCode.None, entry.ProducerId, entry.ProducerEpoch) : (fenced, -1, -1);
            }

            entry.LastProducerEpoch = expected ? entry.ProducerEpoch : (short)-1;

            if (entry.ProducerEpoch >= short.MaxValue - 1)
            {
                entry.ProducerId = cluster.NextProducerId();
                entry.ProducerEpoch = 0;
            }
            else
            {
                entry.ProducerEpoch++;
            }

            entry.TimeoutMs = timeoutMs;
            entry.State = TransactionState.Empty;
            entry.Partitions.Clear();
            entry.Groups.Clear();
            if (entry.ProducerEpoch > 0)
            {
                cluster.Truth.Add(TruthEventKind.ProducerFenced, null, -1, coordinator, producerId: entry.ProducerId,
                    detail: $"transactional id '{transactionalId}' initialised again: epoch {entry.ProducerEpoch}; an instance with an older epoch is fenced",
                    typed: e => e with { TransactionalId = transactionalId, ProducerEpoch = entry.ProducerEpoch });
            }

            return (KafkaErrorCode.None, entry.ProducerId, entry.ProducerEpoch);
        }
    }

    /// <summary>AddPartitionsToTxn: the partitions join the open transaction (which begins with the first).</summary>
    public KafkaErrorCode AddPartitions(int coordinator, string transactionalId, long producerId, short epoch, IReadOnlyCollection<(string Topic, int Partition)> partitions, bool producerFencedKnown)
    {
        lock (_gate)
        {
            if (Check(transactionalId, producerId, epoch, producerFencedKnown, out var entry) is var error and not KafkaErrorCode.None)
            {
                return error;
            }

            Begin(entry, coordinator);
            foreach (var (topic, partition) in partitions)
            {
                if (entry.Partitions.Add((topic, partition)))
                {
                    cluster.Truth.Add(TruthEventKind.PartitionAddedToTransaction, topic, partition, coordinator, producerId: producerId,
                        detail: $"added to transaction '{transactionalId}' (epoch {epoch})", typed: e => e with { TransactionalId = transactionalId, ProducerEpoch = epoch });
                }
            }

            return KafkaErrorCode.None;
        }
    }

    /// <summary>AddOffsetsToTxn: the group's offsets join the open transaction.</summary>
    public KafkaErrorCode AddOffsets(int coordinator, string transactionalId, long producerId, short epoch, string groupId, bool producerFencedKnown)
    {
        lock (_gate)
        {
            if (Check(transactionalId, producerId, epoch, producerFencedKnown, out var entry) is var error and not KafkaErrorCode.None)
            {
                return error;
            }

            Begin(entry, coordinator);
            entry.Groups.Add(groupId);
            return KafkaErrorCode.None;
        }
    }

    /// <summary>
    /// TxnOffsetCommit, after the group coordinator accepted the member: the offsets wait in the transaction and take
    /// effect when it commits. The transaction must be open with the group added (AddOffsetsToTxn first).
    /// </summary>
    public KafkaErrorCode CommitOffsets(string transactionalId, long producerId, short epoch, string groupId, IReadOnlyDictionary<(string Topic, int Partition), CommittedOffset> offsets)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(transactionalId, out var entry) || entry.ProducerId != producerId)
            {
                return KafkaErrorCode.InvalidProducerIdMapping;
            }

            if (epoch != entry.ProducerEpoch)
            {
                return KafkaErrorCode.InvalidProducerEpoch;
            }

            if (entry.State != TransactionState.Ongoing || !entry.Groups.Contains(groupId))
            {
                return KafkaErrorCode.InvalidTxnState;
            }

            if (!entry.PendingOffsets.TryGetValue(groupId, out var pending))
            {
                pending = [];
                entry.PendingOffsets[groupId] = pending;
            }

            foreach (var (partition, offset) in offsets)
            {
                pending[partition] = offset;
            }

            return KafkaErrorCode.None;
        }
    }

    /// <summary>EndTxn: decides the open transaction; its markers are written in the background.</summary>
    public KafkaErrorCode EndTransaction(int coordinator, string transactionalId, long producerId, short epoch, bool commit, bool producerFencedKnown)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(transactionalId, out var entry) || entry.ProducerId != producerId)
            {
                return KafkaErrorCode.InvalidProducerIdMapping;
            }

            if (epoch != entry.ProducerEpoch)
            {
                return producerFencedKnown ? KafkaErrorCode.ProducerFenced : KafkaErrorCode.InvalidProducerEpoch;
            }

            switch (entry.State)
            {
                case TransactionState.Ongoing:
                    Decide(entry, coordinator, commit ? TransactionResult.Commit : TransactionResult.Abort, TransactionCause.Requested);
                    return KafkaErrorCode.None;
                case TransactionState.CompleteCommit when commit:
                case TransactionState.CompleteAbort when !commit:
                    // A retry of an EndTxn whose answer was lost: it is done.
                    return KafkaErrorCode.None;
                case TransactionState.PrepareCommit when commit:
                case TransactionState.PrepareAbort when !commit:
                    return KafkaErrorCode.ConcurrentTransactions;
                case TransactionState.PrepareEpochFence:
                    return KafkaErrorCode.ConcurrentTransactions;
                default:
                    return KafkaErrorCode.InvalidTxnState;
            }
        }
    }

    /// <summary>
    /// Appends a transactional batch after checking it against the coordinator, as Kafka's produce-path verification
    /// (KIP-890) does: the producer must hold the id's current epoch (INVALID_PRODUCER_EPOCH) and the partition must be
    /// in its open transaction (INVALID_TXN_STATE). Done under the coordinator's lock, so a batch never lands after the
    /// marker of the transaction it was checked against.
    /// </summary>
    public AppendResult AppendTransactional(string? transactionalId, PartitionState partition, int brokerId, IncomingBatch batch, short acks)
    {
        lock (_gate)
        {
            if (transactionalId is null || !_entries.TryGetValue(transactionalId, out var entry) || entry.ProducerId != batch.ProducerId)
            {
                return new AppendResult(transactionalId is null ? KafkaErrorCode.InvalidTxnState : KafkaErrorCode.InvalidProducerIdMapping, -1, -1, false);
            }

            if (batch.ProducerEpoch != entry.ProducerEpoch)
            {
                return new AppendResult(KafkaErrorCode.InvalidProducerEpoch, -1, -1, false);
            }

            if (entry.State != TransactionState.Ongoing || !entry.Partitions.Contains((partition.Topic, partition.Index)))
            {
                return new AppendResult(KafkaErrorCode.InvalidTxnState, -1, -1, false);
            }

            return partition.AppendAsLeader(brokerId, batch, acks);
        }
    }

    /// <summary>Every transactional id the coordinator knows, by id.</summary>
    public IReadOnlyList<TransactionSnapshot> Snapshot()
    {
        var now = cluster.Time.GetUtcNow();
        lock (_gate)
        {
            return [.. _entries.Values.OrderBy(static e => e.TransactionalId, StringComparer.Ordinal).Select(e => e.Snapshot(now))];
        }
    }

    /// <summary>
    /// One round of the coordinator's background work: aborts transactions open longer than their timeout, and writes
    /// the markers of decided ones through the partitions' leaders, completing each transaction once all its markers
    /// are replicated. Nothing happens for an id whose coordinator is down (until it moves) or whose markers a fault holds.
    /// </summary>
    public void Tick()
    {
        var now = cluster.Time.GetUtcNow();
        lock (_gate)
        {
            foreach (var entry in _entries.Values)
            {
                var coordinator = cluster.Handler.CoordinatorOf(entry.TransactionalId);
                if (coordinator < 0 || cluster.Brokers.FirstOrDefault(b => b.Id == coordinator) is not { IsServing: true } broker)
                {
                    continue;
                }

                if (entry.State == TransactionState.Ongoing && now - entry.StartedAt > TimeSpan.FromMilliseconds(entry.TimeoutMs))
                {
                    cluster.Truth.Add(TruthEventKind.TransactionTimedOut, null, -1, coordinator, producerId: entry.ProducerId,
                        detail: $"transaction of '{entry.TransactionalId}' open {(now - entry.StartedAt).TotalMilliseconds:0} ms, over its transaction.timeout.ms {entry.TimeoutMs}",
                        typed: e => e with { TransactionalId = entry.TransactionalId, ProducerEpoch = entry.ProducerEpoch });
                    Fence(entry, coordinator, TransactionCause.TimedOut);
                }

                if (entry.IsPreparing && !broker.Faults.HoldsTransactionMarkers)
                {
                    WriteMarkers(entry, coordinator);
                }
            }
        }
    }

    /// <summary>The checks every request of a producer passes: the id is known, the producer id is its, the epoch current, nothing in preparation.</summary>
    private KafkaErrorCode Check(string transactionalId, long producerId, short epoch, bool producerFencedKnown, out TransactionEntry entry)
    {
        if (!_entries.TryGetValue(transactionalId, out entry!) || entry.ProducerId != producerId)
        {
            return KafkaErrorCode.InvalidProducerIdMapping;
        }

        if (epoch != entry.ProducerEpoch)
        {
            // PRODUCER_FENCED from the versions that know it (AddPartitionsToTxn, AddOffsetsToTxn and EndTxn v2+).
            return producerFencedKnown ? KafkaErrorCode.ProducerFenced : KafkaErrorCode.InvalidProducerEpoch;
        }

        return entry.State is TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence
            ? KafkaErrorCode.ConcurrentTransactions
            : KafkaErrorCode.None;
    }

    private void Begin(TransactionEntry entry, int coordinator)
    {
        if (entry.State == TransactionState.Ongoing)
        {
            return;
        }

        entry.State = TransactionState.Ongoing;
        entry.StartedAt = cluster.Time.GetUtcNow();
        entry.Partitions.Clear();
        entry.Groups.Clear();
        entry.PendingOffsets.Clear();
        cluster.Truth.Add(TruthEventKind.TransactionBegun, null, -1, coordinator, producerId: entry.ProducerId,
            detail: $"transaction of '{entry.TransactionalId}' began (epoch {entry.ProducerEpoch}, timeout {entry.TimeoutMs} ms)",
            typed: e => e with { TransactionalId = entry.TransactionalId, ProducerEpoch = entry.ProducerEpoch });
    }

    /// <summary>A new epoch fences the instance that holds the current one; its open transaction is aborted under the new epoch.</summary>
    private void Fence(TransactionEntry entry, int coordinator, TransactionCause cause)
    {
        entry.State = TransactionState.PrepareEpochFence;
        entry.ProducerEpoch++;
        entry.LastProducerEpoch = -1;
        cluster.Truth.Add(TruthEventKind.ProducerFenced, null, -1, coordinator, producerId: entry.ProducerId,
            detail: $"transactional id '{entry.TransactionalId}' fenced at epoch {entry.ProducerEpoch} ({(cause == TransactionCause.TimedOut ? "transaction timed out" : "a new instance started")})",
            typed: e => e with { TransactionalId = entry.TransactionalId, ProducerEpoch = entry.ProducerEpoch });
        Decide(entry, coordinator, TransactionResult.Abort, cause);
    }

    private void Decide(TransactionEntry entry, int coordinator, TransactionResult outcome, TransactionCause cause)
    {
        entry.State = outcome == TransactionResult.Commit ? TransactionState.PrepareCommit : TransactionState.PrepareAbort;
        entry.PendingMarkers.Clear();
        foreach (var partition in entry.Partitions)
        {
            entry.PendingMarkers[partition] = null;
        }

        if (outcome == TransactionResult.Abort)
        {
            entry.PendingOffsets.Clear();
        }

        // The markers are written by the background loop: wake it rather than wait for its tick.
        cluster.Wake();
        cluster.Truth.Add(TruthEventKind.TransactionDecided, null, -1, coordinator, producerId: entry.ProducerId,
            detail: $"transaction of '{entry.TransactionalId}' {(outcome == TransactionResult.Commit ? "commits" : "aborts")} ({cause}); markers to {entry.Partitions.Count} partition(s)",
            typed: e => e with { TransactionalId = entry.TransactionalId, ProducerEpoch = entry.ProducerEpoch, Outcome = outcome, Cause = cause });
    }

    private void WriteMarkers(TransactionEntry entry, int coordinator)
    {
        if (entry.CoordinatorBroker != coordinator)
        {
            // A new coordinator took the id over (Kafka: a new leader of its __transaction_state partition).
            entry.CoordinatorEpoch += entry.CoordinatorBroker < 0 ? 0 : 1;
            entry.CoordinatorBroker = coordinator;
        }

        var outcome = entry.State == TransactionState.PrepareCommit ? TransactionResult.Commit : TransactionResult.Abort;
        var type = outcome == TransactionResult.Commit ? ControlRecordType.Commit : ControlRecordType.Abort;
        foreach (var (key, wait) in entry.PendingMarkers.ToList())
        {
            if (wait is { IsCompleted: true })
            {
                if (wait.IsCompletedSuccessfully && wait.Result is KafkaErrorCode.None or KafkaErrorCode.NotEnoughReplicasAfterAppend)
                {
                    // Replicated up to the high watermark: written, even if the ISR shrank since.
                    entry.PendingMarkers.Remove(key);
                    continue;
                }

                entry.PendingMarkers[key] = null;
            }

            if (entry.PendingMarkers[key] is not null)
            {
                continue;
            }

            if (cluster.FindPartition(key.Topic, key.Partition) is not { } partition)
            {
                // The topic was deleted: nothing left to mark.
                entry.PendingMarkers.Remove(key);
                continue;
            }

            if (partition.Leader is var leader and >= 0 && cluster.Brokers.FirstOrDefault(b => b.Id == leader) is { IsServing: true })
            {
                var (error, offset) = partition.AppendMarkerAsLeader(leader, entry.ProducerId, entry.ProducerEpoch, type, entry.CoordinatorEpoch, entry.TransactionalId);
                if (error == KafkaErrorCode.None)
                {
                    var replicated = partition.WaitForHighWatermark(offset + 1);
                    entry.PendingMarkers[key] = replicated;

                    // Complete the transaction as soon as its last marker is replicated, not at the next tick.
                    replicated.ContinueWith(static (_, state) => ((SimulatedCluster)state!).Wake(), cluster, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }
        }

        if (entry.PendingMarkers.Count > 0)
        {
            return;
        }

        if (outcome == TransactionResult.Commit)
        {
            foreach (var (group, offsets) in entry.PendingOffsets)
            {
                cluster.Handler.Groups.ApplyTransactionalOffsets(group, offsets);
            }
        }

        entry.PendingOffsets.Clear();
        entry.State = outcome == TransactionResult.Commit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort;
        cluster.Truth.Add(TruthEventKind.TransactionCompleted, null, -1, coordinator, producerId: entry.ProducerId,
            detail: $"transaction of '{entry.TransactionalId}' {(outcome == TransactionResult.Commit ? "committed" : "aborted")}: every marker written",
            typed: e => e with { TransactionalId = entry.TransactionalId, ProducerEpoch = entry.ProducerEpoch, Outcome = outcome });
    }
}

/// <summary>One transactional id as the coordinator knows it (<see cref="SimulatedCluster.DescribeTransactions"/>).</summary>
/// <param name="TransactionalId">The id.</param>
/// <param name="ProducerId">Its producer id.</param>
/// <param name="ProducerEpoch">Its current epoch: an instance with an older one is fenced.</param>
/// <param name="State">Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort or PrepareEpochFence.</param>
/// <param name="TimeoutMs">Its transaction.timeout.ms.</param>
/// <param name="OpenFor">How long the current transaction has been open; null when none is.</param>
/// <param name="Partitions">The partitions of the current (or last) transaction, as "topic-partition".</param>
/// <param name="Groups">The consumer groups whose offsets it commits.</param>
/// <param name="PendingMarkers">The partitions still waiting for a marker.</param>
public sealed record TransactionSnapshot(
    string TransactionalId,
    long ProducerId,
    short ProducerEpoch,
    string State,
    int TimeoutMs,
    TimeSpan? OpenFor,
    IReadOnlyList<string> Partitions,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> PendingMarkers);
