using System.Diagnostics;
using System.Globalization;
using ReliableKafka.Audit.Expectations;
using ReliableKafka.Audit.Scenarios;
using ReliableKafka.Audit.Targets;
using ReliableKafka.Audit.Verification;
using ReliableKafka.Audit.Workload;

namespace ReliableKafka.Audit;

/// <summary>
/// Runs the reliability audit: for every scenario and configuration, a producer writes sequenced values to a topic
/// with 3 partitions, replication factor 3 and min.insync.replicas 2 while the scenario's faults are applied; then
/// every partition is read back and compared with what was acknowledged. On the simulator each run gets a fresh
/// cluster, and every lost or duplicated record is explained from its ground truth.
/// </summary>
public sealed partial class AuditRunner
{
    private const int Partitions = 3;
    private const int MinInSyncReplicas = 2;
    private const double TimeoutDivisor = 24;
    private static readonly TimeSpan ShortestDeliveryTimeout = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan LongestDeliveryTimeout = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly AuditOptions _options;
    private readonly IReadOnlyList<string> _scenarios;
    private readonly IReadOnlyList<AuditConfiguration> _configurations;
    private readonly string _runId;
    private readonly bool _simulator;
    private readonly bool _shortTimeouts;
    private readonly TimeSpan _recoveryTimeout;

    /// <summary>Checks the options and prepares the matrix; nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="options">What to run and against what.</param>
    /// <exception cref="ArgumentException">The options are inconsistent; the message lists every problem.</exception>
    public AuditRunner(AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _scenarios = [.. (IEnumerable<string>?)options.Scenarios ?? (options.Quick ? ScenarioIds.Quick : ScenarioIds.All)];
        _configurations = [.. (IEnumerable<AuditConfiguration>?)options.Configurations ?? (options.Quick ? AuditConfigurations.Quick : AuditConfigurations.All)];
        _simulator = string.IsNullOrWhiteSpace(options.BootstrapServers);
        _shortTimeouts = options.ShortTimeouts ?? _simulator;
        _recoveryTimeout = options.RecoveryTimeout ?? (_simulator ? TimeSpan.FromSeconds(5) : TimeSpan.FromMinutes(2));
        _runId = string.IsNullOrWhiteSpace(options.RunId) ? Guid.NewGuid().ToString("N")[..8] : options.RunId;

        var problems = Problems(options, _scenarios, _configurations, _simulator, _runId);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The audit options are invalid ({problems.Count}):\n  - {string.Join("\n  - ", problems)}", nameof(options));
        }
    }

    /// <summary>The scenario ids that will run, in order.</summary>
    public IReadOnlyList<string> Scenarios => _scenarios;

    /// <summary>The configurations that will be audited, in order.</summary>
    public IReadOnlyList<AuditConfiguration> Configurations => _configurations;

    /// <summary>The audit's id.</summary>
    public string RunId => _runId;

    /// <summary>Runs every scenario with every configuration.</summary>
    /// <param name="progress">
    /// Told when each run starts, at each fault step, and when each run finishes. Called synchronously from the
    /// audit's own threads (several at once with <see cref="AuditOptions.Parallelism"/> above 1); may be null.
    /// </param>
    /// <param name="cancellationToken">Stops the audit; the run in progress is abandoned.</param>
    /// <returns>The report. A failed or skipped run is a result, never an exception.</returns>
    public async Task<AuditReport> RunAsync(IProgress<AuditProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var plan = _scenarios.SelectMany(s => _configurations.Select(c => (Scenario: ScenarioCatalog.Get(s), Configuration: c))).ToList();
        var results = new AuditRunResult[plan.Count];
        using var targets = _simulator ? new SimulatorTargets(_options.Parallelism) : (IAuditTargets)new ClusterTargets(_options);
        using var gate = new SemaphoreSlim(targets.Parallelism);
        var tasks = plan.Select(async (run, i) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                progress?.Report(new AuditProgress(AuditProgressKind.RunStarted, i + 1, plan.Count, run.Scenario.Id, run.Configuration.Id));
                results[i] = await RunOneAsync(run.Scenario, run.Configuration, i + 1, plan.Count, targets, progress, cancellationToken).ConfigureAwait(false);
                progress?.Report(new AuditProgress(AuditProgressKind.RunFinished, i + 1, plan.Count, run.Scenario.Id, run.Configuration.Id, Result: results[i]));
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);

        return new AuditReport
        {
            RunId = _runId,
            StartedAt = startedAt,
            DurationMs = Math.Round(clock.Elapsed.TotalMilliseconds),
            Target = _simulator ? "simulator" : "cluster",
            BootstrapServers = _simulator ? null : _options.BootstrapServers,
            FaultCommand = _simulator ? null : _options.FaultCommand,
            Quick = _options.Quick,
            Scenarios = [.. _scenarios.Select(static s => ScenarioCatalog.Get(s)).Select(static s => new ScenarioInfo(s.Id, s.Description))],
            Configurations = [.. _configurations.Select(static c => new ConfigurationInfo(c.Id, c.Description, c.Source, c.IsCritical, Mask(c.Settings), [.. c.Findings.Select(static f => f.ToString())]))],
            Results = results,
            Summary = new AuditSummary(
                results.Length,
                results.Count(static r => r.Verdict == Verdict.Pass),
                results.Count(static r => r.Verdict == Verdict.Expected),
                results.Count(static r => r.Verdict == Verdict.Unexpected),
                results.Count(static r => r.Verdict == Verdict.Skipped),
                results.Count(static r => r.Verdict == Verdict.Error)),
            CriticalViolation = results.Any(static r => r.CriticalViolation),
        };
    }

    private async Task<AuditRunResult> RunOneAsync(
        AuditScenario scenario,
        AuditConfiguration configuration,
        int index,
        int total,
        IAuditTargets targets,
        IProgress<AuditProgress>? progress,
        CancellationToken cancellationToken)
    {
        var tag = string.Create(CultureInfo.InvariantCulture, $"{_runId}-{index:D2}");
        var run = new Run(scenario, configuration, tag, TopicName($"rk-audit-{tag}-{scenario.Id}-{configuration.Id}"), $"rk-audit-{tag}", index, total, progress, cancellationToken);
        if (targets.SkipReason(scenario) is { } skip)
        {
            return run.Result(Verdict.Skipped) with { SkipReason = skip, Reasons = [$"skipped: {skip}"] };
        }

        if (scenario.NeedsTransactions && !configuration.Traits.Transactional)
        {
            const string notTransactional = "needs a transactional configuration (transactional.id): it acts on the run's transactions";
            return run.Result(Verdict.Skipped) with { SkipReason = notTransactional, Reasons = [$"skipped: {notTransactional}"] };
        }

        try
        {
            await using var target = targets.Create();
            return await RunOnTargetAsync(run, target).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return run.Result(Verdict.Error) with { Error = $"{e.GetType().Name}: {e.Message}" };
        }
    }

    /// <summary>Creates the run's topics, sends while the scenario applies its faults, then judges what the cluster kept.</summary>
    private async Task<AuditRunResult> RunOnTargetAsync(Run run, IAuditTarget target)
    {
        var (scenario, configuration) = (run.Scenario, run.Configuration);
        await target.CreateTopicAsync(run.Topic, Partitions, MinInSyncReplicas, scenario.UncleanLeaderElection, scenario.MaxMessageBytes, run.CancellationToken).ConfigureAwait(false);
        if (scenario.UsesDeadLetters)
        {
            await target.CreateTopicAsync(run.DeadLetterTopic, 1, 1, false, null, run.CancellationToken).ConfigureAwait(false);
        }

        var (settings, deliveryTimeout) = EffectiveSettings(configuration, scenario, target.BootstrapServers, run.ClientId);
        run.Expected = ExpectationTable.For(scenario.Id, configuration.Traits, settings);
        var recorder = new DeliveryRecorder();
        var spillPath = Path.Combine(_options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "rk-audit"), $"{run.Tag}-spill.db");
        Directory.CreateDirectory(Path.GetDirectoryName(spillPath)!);
        IAuditProducer producer = configuration.Traits.Transactional
            ? await Task.Run(() => new TransactionalAuditProducer(settings, recorder, deliveryTimeout + TimeSpan.FromSeconds(5)), run.CancellationToken).ConfigureAwait(false)
            : scenario.UsesDeadLetters
            ? new DeadLetteringAuditProducer(settings, ProfileFor(configuration.Traits), run.DeadLetterTopic, spillPath, recorder)
            : new RawAuditProducer(settings, recorder);
        var workload = new AuditWorkload(producer, recorder, run.Topic, run.Tag, run.ClientId, _options.Keys, _options.MessagesPerSecond);
        var context = new ScenarioContext(
            target.Faults, run.Topic, Partitions, run.ClientId, deliveryTimeout, _recoveryTimeout,
            () => workload.SendOne(OversizedScenario.OversizedLength), run.ReportStep, run.CancellationToken)
        {
            BootstrapServers = target.BootstrapServers,
            TransactionalId = configuration.Traits.Transactional ? TransactionalIdOf(run.ClientId) : null,
        };

        var (sentFor, scheduleError) = await ExerciseAsync(run, target, workload, producer, context, deliveryTimeout).ConfigureAwait(false);
        if (scheduleError is not null)
        {
            return run.Result(Verdict.Error) with { Error = $"The fault schedule failed: {scheduleError.Message}", Timeline = context.Timeline, EffectiveSettings = Mask(settings) };
        }

        if (configuration.Traits.Transactional)
        {
            // A transaction's markers reach its partitions one by one after the commit: read only once no transaction
            // is pending (the last stable offset of every partition at its high watermark), or a read_committed
            // consumer sees a committed transaction in one partition and not yet in another.
            await Task.Run(() => WaitForStableOffsets(target.BootstrapServers, run.Topic, DrainTimeout, run.CancellationToken), run.CancellationToken).ConfigureAwait(false);
        }

        var drained = await Task.Run(() => LogDrainer.Drain(target.BootstrapServers, run.Topic, run.Tag, DrainTimeout, run.CancellationToken), run.CancellationToken).ConfigureAwait(false);
        IReadOnlyList<long> deadLettered = [];
        if (scenario.UsesDeadLetters)
        {
            var dlq = await Task.Run(() => LogDrainer.Drain(target.BootstrapServers, run.DeadLetterTopic, run.Tag, DrainTimeout, run.CancellationToken), run.CancellationToken).ConfigureAwait(false);
            deadLettered = [.. dlq.Records.Select(static r => r.Sequence)];
        }

        var verification = Verifier.Verify(recorder.Sent, recorder.Reports, drained.Records, deadLettered, drained.Foreign);
        IReadOnlyList<string> transactionNotes = [];
        if (producer is TransactionalAuditProducer transactional)
        {
            verification = verification with { Counts = TransactionCounts(verification.Counts, transactional.Transactions, drained.Records) };
            transactionNotes = TransactionAnomalies(transactional.Transactions, drained.Records);
        }

        var truth = target.Faults.Truth;
        var (verdict, reasons, critical) = VerdictRules.Judge(verification.Counts, run.Expected, configuration.IsCritical, configuration.Traits.Acks);
        reasons = [.. reasons, .. transactionNotes];
        if (recorder.DuplicateReports > 0)
        {
            reasons = [.. reasons, $"note: the client reported {recorder.DuplicateReports} messages twice; the first report was kept"];
        }

        return run.Result(verdict) with
        {
            Reasons = reasons,
            CriticalViolation = critical,
            Counts = verification.Counts,
            Failures = verification.Failures,
            Latency = verification.Latency,
            ThroughputPerSecond = Math.Round(verification.Counts.Acknowledged / Math.Max(sentFor.TotalSeconds, 0.001), 1),
            EffectiveSettings = Mask(settings),
            Lost = [.. verification.Lost.Take(AuditLimits.ListedRecords)],
            Duplicated = [.. verification.Duplicated.Take(AuditLimits.ListedRecords)],
            Reordered = [.. verification.Reordered.Take(AuditLimits.ListedRecords)],
            Explanations = truth is null ? [] : Explainer.Explain(verification, truth.Events, run.Topic),
            GroundTruth = truth is not null,
            Timeline = context.Timeline,
        };
    }

    /// <summary>
    /// The transactional anomalies in what a read_committed consumer read back: records of aborted transactions
    /// (aborted reads) and transactions present only in part (torn).
    /// </summary>
    private static AuditCounts TransactionCounts(AuditCounts counts, IReadOnlyList<AuditTransaction> transactions, IReadOnlyCollection<ConsumedRecord> read)
    {
        var present = read.Select(static r => r.Sequence).ToHashSet();
        return counts with
        {
            TransactionsCommitted = transactions.Count(static t => t.Outcome == AuditTransactionOutcome.Committed),
            TransactionsAborted = transactions.Count(static t => t.Outcome == AuditTransactionOutcome.Aborted),
            AbortedReads = transactions.Where(static t => t.Outcome == AuditTransactionOutcome.Aborted).Sum(t => t.Sequences.Count(present.Contains)),
            TornTransactions = transactions.Count(t => t.Sequences.Count(present.Contains) is var seen && seen > 0 && seen < t.Sequences.Count),
        };
    }

    /// <summary>Waits until, in every partition, ListOffsets read_committed (the last stable offset) equals read_uncommitted (the high watermark); works on any Kafka.</summary>
    private static void WaitForStableOffsets(string bootstrapServers, string topic, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Confluent.Kafka.ConsumerConfig Config(Confluent.Kafka.IsolationLevel isolation) => new()
        {
            BootstrapServers = bootstrapServers,
            GroupId = "rk-audit-stable",
            EnableAutoCommit = false,
            IsolationLevel = isolation,
        };
        using var committed = new Confluent.Kafka.ConsumerBuilder<Confluent.Kafka.Ignore, Confluent.Kafka.Ignore>(Config(Confluent.Kafka.IsolationLevel.ReadCommitted)).SetLogHandler(static (_, _) => { }).Build();
        using var uncommitted = new Confluent.Kafka.ConsumerBuilder<Confluent.Kafka.Ignore, Confluent.Kafka.Ignore>(Config(Confluent.Kafka.IsolationLevel.ReadUncommitted)).SetLogHandler(static (_, _) => { }).Build();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                var stable = Enumerable.Range(0, Partitions).All(p =>
                {
                    var where = new Confluent.Kafka.TopicPartition(topic, p);
                    return committed.QueryWatermarkOffsets(where, TimeSpan.FromSeconds(5)).High == uncommitted.QueryWatermarkOffsets(where, TimeSpan.FromSeconds(5)).High;
                });
                if (stable)
                {
                    return;
                }
            }
            catch (Confluent.Kafka.KafkaException)
            {
                // A leader moving: ask again.
            }

            cancellationToken.WaitHandle.WaitOne(50);
        }
    }

    /// <summary>Each torn or aborted-but-visible transaction in words: its number, what the producer was told, which of its sequences a read_committed consumer sees.</summary>
    private static List<string> TransactionAnomalies(IReadOnlyList<AuditTransaction> transactions, IReadOnlyCollection<ConsumedRecord> read)
    {
        var present = read.Select(static r => r.Sequence).ToHashSet();
        var notes = new List<string>();
        foreach (var transaction in transactions)
        {
            var seen = transaction.Sequences.Where(present.Contains).ToList();
            var torn = seen.Count > 0 && seen.Count < transaction.Sequences.Count;
            if (torn || (seen.Count > 0 && transaction.Outcome == AuditTransactionOutcome.Aborted))
            {
                notes.Add($"transaction {transaction.Number} ({transaction.Outcome}): read_committed sees sequences {string.Join(",", seen)} of {string.Join(",", transaction.Sequences)}");
            }
        }

        return [.. notes.Take(5)];
    }

    /// <summary>Sends through the warm-up, the scenario's faults and the tail; then waits for the reports and heals the cluster.</summary>
    /// <returns>How long the workload sent, and the fault schedule's error if it failed.</returns>
    private async Task<(TimeSpan SentFor, Exception? ScheduleError)> ExerciseAsync(Run run, IAuditTarget target, AuditWorkload workload, IAuditProducer producer, ScenarioContext context, TimeSpan deliveryTimeout)
    {
        Exception? scheduleError = null;
        try
        {
            using var stop = new CancellationTokenSource();
            var sending = Task.Run(() => workload.RunAsync(stop.Token), CancellationToken.None);
            try
            {
                await Task.Delay(_options.Warmup, run.CancellationToken).ConfigureAwait(false);
                await run.Scenario.RunAsync(context).ConfigureAwait(false);
                await Task.Delay(_options.Tail, run.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !run.CancellationToken.IsCancellationRequested)
            {
                scheduleError = e;
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
            }

            var sentFor = await sending.ConfigureAwait(false);
            await Task.Run(() => workload.AwaitReports(deliveryTimeout + TimeSpan.FromSeconds(5)), CancellationToken.None).ConfigureAwait(false);
            await target.HealAsync(run.CancellationToken).ConfigureAwait(false);
            await context.WaitForFullIsrAsync().ConfigureAwait(false);
            return (sentFor, scheduleError);
        }
        finally
        {
            await Task.Run(producer.Dispose, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
