using System.Diagnostics;
using System.Globalization;
using ReliableKafka.Audit.Configurations;
using ReliableKafka.Audit.Expectations;
using ReliableKafka.Audit.Scenarios;
using ReliableKafka.Audit.Targets;
using ReliableKafka.Audit.Verification;
using ReliableKafka.Audit.Workload;
using ReliableKafka.Configuration;

namespace ReliableKafka.Audit;

/// <summary>
/// Runs the reliability audit: for every scenario and configuration, a producer writes sequenced values to a topic
/// with 3 partitions, replication factor 3 and min.insync.replicas 2 while the scenario's faults are applied; then
/// every partition is read back and compared with what was acknowledged. On the simulator each run gets a fresh
/// cluster, and every lost or duplicated record is explained from its ground truth.
/// </summary>
public sealed class AuditRunner
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

        var problems = new List<string>();
        problems.AddRange(_scenarios.Where(static s => !ScenarioCatalog.Exists(s)).Select(static s => $"Unknown scenario '{s}'; use one of {string.Join(", ", ScenarioIds.All)}."));
        problems.AddRange(_configurations.GroupBy(static c => c.Id, StringComparer.OrdinalIgnoreCase).Where(static g => g.Count() > 1).Select(static g => $"Two configurations have the id '{g.Key}'."));
        if (_scenarios.Count == 0 || _configurations.Count == 0)
        {
            problems.Add("The audit needs at least one scenario and one configuration.");
        }

        if (!_simulator && options.FaultCommand is null && options.Faults is null)
        {
            problems.Add("A real cluster (BootstrapServers) needs a FaultCommand such as \"./kafka-fault.sh {action} {broker}\".");
        }

        if (_simulator && (options.FaultCommand is not null || options.Faults is not null))
        {
            problems.Add("FaultCommand and Faults apply to a real cluster: set BootstrapServers too.");
        }

        if (options.FaultCommand is { } command && (!command.Contains("{action}", StringComparison.Ordinal) || !command.Contains("{broker}", StringComparison.Ordinal)))
        {
            problems.Add($"The fault command must contain {{action}} and {{broker}}; got \"{command}\".");
        }

        if (options.MessagesPerSecond is <= 0 or > 100_000)
        {
            problems.Add($"MessagesPerSecond must be between 1 and 100000, not {options.MessagesPerSecond}.");
        }

        if (options.Keys < 1)
        {
            problems.Add($"Keys must be at least 1, not {options.Keys}.");
        }

        if (options.Parallelism < 1)
        {
            problems.Add($"Parallelism must be at least 1, not {options.Parallelism}.");
        }

        if (_runId.Any(static c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_') || _runId.Length > 40)
        {
            problems.Add($"RunId '{_runId}' may hold only letters, digits, '-' and '_' (at most 40).");
        }

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
        using var gate = new SemaphoreSlim(_simulator ? _options.Parallelism : 1);
        using var shared = _simulator ? null : CreateClusterFaults();
        var tasks = plan.Select(async (run, i) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                progress?.Report(new AuditProgress(AuditProgressKind.RunStarted, i + 1, plan.Count, run.Scenario.Id, run.Configuration.Id));
                results[i] = await RunOneAsync(run.Scenario, run.Configuration, i + 1, plan.Count, shared?.Faults, progress, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Runs one scenario with one configuration (whatever <see cref="AuditOptions.Scenarios"/> says).</summary>
    /// <param name="scenario">The scenario id.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="progress">As for <see cref="RunAsync"/>; may be null.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>Its result.</returns>
    public async Task<AuditRunResult> RunScenarioAsync(string scenario, AuditConfiguration configuration, IProgress<AuditProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        using var shared = _simulator ? null : CreateClusterFaults();
        return await RunOneAsync(ScenarioCatalog.Get(scenario), configuration, 1, 1, shared?.Faults, progress, cancellationToken).ConfigureAwait(false);
    }

    private SharedFaults CreateClusterFaults()
    {
        if (_options.Faults is { } faults)
        {
            return new SharedFaults(faults, null);
        }

        var hook = new CommandHookFaults(_options.FaultCommand!, _options.BootstrapServers!);
        return new SharedFaults(hook, hook);
    }

    private sealed record SharedFaults(IClusterFaults Faults, IDisposable? Owned) : IDisposable
    {
        public void Dispose() => Owned?.Dispose();
    }

    private async Task<AuditRunResult> RunOneAsync(
        AuditScenario scenario,
        AuditConfiguration configuration,
        int index,
        int total,
        IClusterFaults? clusterFaults,
        IProgress<AuditProgress>? progress,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var tag = string.Create(CultureInfo.InvariantCulture, $"{_runId}-{index:D2}");
        var topic = TopicName($"rk-audit-{tag}-{scenario.Id}-{configuration.Id}");
        var clientId = $"rk-audit-{tag}";
        var expected = ExpectationTable.For(scenario.Id, configuration.Traits);
        AuditRunResult Result(Verdict verdict) => new()
        {
            Scenario = scenario.Id,
            Configuration = configuration.Id,
            Verdict = verdict,
            Expected = expected,
            Topic = topic,
            ClientId = clientId,
            DurationMs = Math.Round(clock.Elapsed.TotalMilliseconds),
        };

        var skip = clusterFaults is null
            ? scenario.SkipReason(SimulatedClusterFaults.SupportedCapabilities, "simulator")
            : scenario.SkipReason(clusterFaults.Capabilities, clusterFaults.Kind);
        if (skip is not null)
        {
            return Result(Verdict.Skipped) with { SkipReason = skip, Reasons = [$"skipped: {skip}"] };
        }

        IAuditTarget? target = null;
        try
        {
            target = clusterFaults is null ? new SimulatorTarget() : new ClusterTarget(_options.BootstrapServers!, clusterFaults);
            await target.CreateTopicAsync(topic, Partitions, MinInSyncReplicas, scenario.UncleanLeaderElection, scenario.MaxMessageBytes, cancellationToken).ConfigureAwait(false);
            var deadLetterTopic = topic + "-dlq";
            if (scenario.UsesDeadLetters)
            {
                await target.CreateTopicAsync(deadLetterTopic, 1, 1, false, null, cancellationToken).ConfigureAwait(false);
            }

            var (settings, deliveryTimeout) = EffectiveSettings(configuration, scenario, target.BootstrapServers, clientId);
            expected = ExpectationTable.For(scenario.Id, configuration.Traits, settings);
            var recorder = new DeliveryRecorder();
            var spillPath = Path.Combine(_options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "rk-audit"), $"{tag}-spill.db");
            Directory.CreateDirectory(Path.GetDirectoryName(spillPath)!);
            IAuditProducer producer = scenario.UsesDeadLetters
                ? new DeadLetteringAuditProducer(settings, ProfileFor(configuration.Traits), deadLetterTopic, spillPath, recorder)
                : new RawAuditProducer(settings, recorder);
            var workload = new AuditWorkload(producer, recorder, topic, tag, clientId, _options.Keys, _options.MessagesPerSecond);
            var context = new ScenarioContext(
                target.Faults, topic, Partitions, clientId, deliveryTimeout, _recoveryTimeout,
                () => workload.SendOne(OversizedScenario.OversizedLength),
                step => progress?.Report(new AuditProgress(AuditProgressKind.Step, index, total, scenario.Id, configuration.Id, step)),
                cancellationToken);

            Exception? scheduleError = null;
            TimeSpan sentFor;
            try
            {
                using var stop = new CancellationTokenSource();
                var sending = Task.Run(() => workload.RunAsync(stop.Token), CancellationToken.None);
                try
                {
                    await Task.Delay(_options.Warmup, cancellationToken).ConfigureAwait(false);
                    await scenario.RunAsync(context).ConfigureAwait(false);
                    await Task.Delay(_options.Tail, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    scheduleError = e;
                }
                finally
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                }

                sentFor = await sending.ConfigureAwait(false);
                await Task.Run(() => workload.AwaitReports(deliveryTimeout + TimeSpan.FromSeconds(5)), CancellationToken.None).ConfigureAwait(false);
                await target.HealAsync(cancellationToken).ConfigureAwait(false);
                await context.WaitForFullIsrAsync().ConfigureAwait(false);
            }
            finally
            {
                await Task.Run(producer.Dispose, CancellationToken.None).ConfigureAwait(false);
            }

            if (scheduleError is not null)
            {
                return Result(Verdict.Error) with { Error = $"The fault schedule failed: {scheduleError.Message}", Timeline = context.Timeline, EffectiveSettings = Mask(settings) };
            }

            var drained = await Task.Run(() => LogDrainer.Drain(target.BootstrapServers, topic, tag, DrainTimeout, cancellationToken), cancellationToken).ConfigureAwait(false);
            IReadOnlyList<long> deadLettered = [];
            if (scenario.UsesDeadLetters)
            {
                var dlq = await Task.Run(() => LogDrainer.Drain(target.BootstrapServers, deadLetterTopic, tag, DrainTimeout, cancellationToken), cancellationToken).ConfigureAwait(false);
                deadLettered = [.. dlq.Records.Select(static r => r.Sequence)];
            }

            var verification = Verifier.Verify(recorder.Sent, recorder.Reports, drained.Records, deadLettered, drained.Foreign);
            var truth = target.Faults.Truth;
            var explanations = truth is null ? [] : Explainer.Explain(verification, truth.Events, topic);
            var (verdict, reasons, critical) = VerdictRules.Judge(verification.Counts, expected, configuration.IsCritical, configuration.Traits.Acks);
            if (recorder.DuplicateReports > 0)
            {
                reasons = [.. reasons, $"note: the client reported {recorder.DuplicateReports} messages twice; the first report was kept"];
            }

            return Result(verdict) with
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
                Explanations = explanations,
                GroundTruth = truth is not null,
                Timeline = context.Timeline,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Result(Verdict.Error) with { Error = $"{e.GetType().Name}: {e.Message}" };
        }
        finally
        {
            if (target is not null)
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The configuration plus the audit's timeouts, the scenario's needs, bootstrap.servers and client.id.</summary>
    private (Dictionary<string, string> Settings, TimeSpan DeliveryTimeout) EffectiveSettings(AuditConfiguration configuration, AuditScenario scenario, string bootstrapServers, string clientId)
    {
        var settings = new Dictionary<string, string>(configuration.CanonicalSettings, StringComparer.Ordinal);
        var deliveryMs = configuration.Traits.DeliveryTimeoutMs <= 0 ? ConfigurationTraits.DefaultDeliveryTimeoutMs : configuration.Traits.DeliveryTimeoutMs;
        if (_shortTimeouts)
        {
            var linger = settings.TryGetValue("linger.ms", out var raw) && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var l) ? l : 5;
            var shortened = Math.Clamp(deliveryMs / TimeoutDivisor, ShortestDeliveryTimeout.TotalMilliseconds, LongestDeliveryTimeout.TotalMilliseconds);
            deliveryMs = (long)Math.Max(shortened, linger + 1500);
            settings["message.timeout.ms"] = deliveryMs.ToString(CultureInfo.InvariantCulture);
            settings["request.timeout.ms"] = "1000";
            settings["socket.timeout.ms"] = "1000";
            settings["reconnect.backoff.max.ms"] = "500";
        }

        foreach (var (key, value) in scenario.ProducerOverrides)
        {
            settings[KafkaProperties.Canonical(key)] = value;
        }

        settings["bootstrap.servers"] = bootstrapServers;
        settings["client.id"] = clientId;
        return (settings, TimeSpan.FromMilliseconds(deliveryMs));
    }

    private static ReliabilityProfile ProfileFor(ConfigurationTraits traits) =>
        traits.Acks == -1 && traits.Idempotent ? ReliabilityProfile.Critical
        : traits.Acks == 0 ? ReliabilityProfile.Metrics
        : ReliabilityProfile.Analytics;

    private static string TopicName(string name)
    {
        var cleaned = new string([.. name.Select(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_')]);
        return cleaned.Length > 200 ? cleaned[..200] : cleaned;
    }

    private static Dictionary<string, string> Mask(IReadOnlyDictionary<string, string> settings) =>
        SecretRedactor.Masked(settings).ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal);
}
