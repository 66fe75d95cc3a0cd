using System.Diagnostics;
using ReliableKafka.Audit.Expectations;
using ReliableKafka.Audit.Scenarios;

namespace ReliableKafka.Audit;

public sealed partial class AuditRunner
{
    /// <summary>One run: its names, what is expected of it, its observers, and the fields every result carries.</summary>
    private sealed class Run(
        AuditScenario scenario,
        AuditConfiguration configuration,
        string tag,
        string topic,
        string clientId,
        int index,
        int total,
        IProgress<AuditProgress>? progress,
        CancellationToken cancellationToken)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public AuditScenario Scenario => scenario;

        public AuditConfiguration Configuration => configuration;

        public string Tag => tag;

        public string Topic => topic;

        public string DeadLetterTopic => topic + "-dlq";

        public string ClientId => clientId;

        public CancellationToken CancellationToken => cancellationToken;

        /// <summary>The expectation: from the configuration's traits, then from its effective settings once known.</summary>
        public ExpectedBehaviour Expected { get; set; } = ExpectationTable.For(scenario.Id, configuration.Traits);

        public void ReportStep(string step) => progress?.Report(new AuditProgress(AuditProgressKind.Step, index, total, scenario.Id, configuration.Id, step));

        public AuditRunResult Result(Verdict verdict) => new()
        {
            Scenario = scenario.Id,
            Configuration = configuration.Id,
            Verdict = verdict,
            Expected = Expected,
            Topic = topic,
            ClientId = clientId,
            DurationMs = Math.Round(_clock.Elapsed.TotalMilliseconds),
        };
    }
}
