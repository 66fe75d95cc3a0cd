using System.Diagnostics;
using Xunit.Abstractions;

namespace ReliableKafka.Audit.Tests.Scenarios;

/// <summary>The real scenarios on in-process simulated clusters, against what Kafka's semantics promise.</summary>
public sealed class SimulatorScenarioTests(ITestOutputHelper output)
{
    private async Task<AuditReport> RunAsync(AuditOptions options)
    {
        var report = await new AuditRunner(options).RunAsync();
        foreach (var r in report.Results)
        {
            output.WriteLine($"{r.Scenario,-17} {r.Configuration,-14} {r.Verdict,-10} {r.DurationMs,6} ms  sent {r.Counts?.Sent} acked {r.Counts?.Acknowledged} failed {r.Counts?.Failed} lost {r.Counts?.Lost} dup {r.Counts?.Duplicated} reordered {r.Counts?.Reordered} {r.Error}{r.SkipReason}");
            foreach (var explanation in r.Explanations.Take(2))
            {
                output.WriteLine("    " + explanation.Text);
            }
        }

        Assert.DoesNotContain(report.Results, static r => r.Verdict == Verdict.Error);
        return report;
    }

    private static AuditRunResult Result(AuditReport report, string scenario, string configuration) =>
        report.Results.Single(r => r.Scenario == scenario && r.Configuration == configuration);

    private static void AssertClean(AuditRunResult result)
    {
        Assert.True(result.Verdict == Verdict.Pass, $"{result.Scenario}/{result.Configuration}: {string.Join("; ", result.Reasons)}");
        Assert.Equal((0L, 0L, 0L), (result.Counts!.Lost, result.Counts.Duplicated, result.Counts.Reordered));
        Assert.False(result.CriticalViolation);
    }

    [Fact]
    public async Task The_quick_matrix_takes_under_a_minute_and_agrees_with_Kafka()
    {
        var clock = Stopwatch.StartNew();
        var report = await RunAsync(new AuditOptions { Quick = true });
        output.WriteLine($"quick matrix: {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the quick matrix took {clock.Elapsed}");
        Assert.Equal(8, report.Results.Count);
        Assert.False(report.CriticalViolation);
        AssertClean(Result(report, ScenarioIds.LostAcks, "critical"));
        AssertClean(Result(report, ScenarioIds.LeaderCrash, "critical"));

        var acks1 = Result(report, ScenarioIds.LeaderCrash, "acks1");
        Assert.Equal(Verdict.Expected, acks1.Verdict);
        Assert.True(acks1.Counts!.Lost > 0);
        Assert.Contains(acks1.Explanations, static e => e.Kind == "lost" && e.Text.Contains("truncated when broker", StringComparison.Ordinal) && e.Text.Contains("epoch 1", StringComparison.Ordinal));
        Assert.Equal(acks1.Counts.Lost, acks1.Explanations.Where(static e => e.Kind == "lost").Sum(static e => e.Records));

        var acks0 = Result(report, ScenarioIds.LeaderCrash, "acks0");
        Assert.Equal(Verdict.Expected, acks0.Verdict);
        Assert.True(acks0.Counts!.Lost > 0);

        var acksAll = Result(report, ScenarioIds.LostAcks, "acks-all");
        Assert.Equal(Verdict.Expected, acksAll.Verdict);
        Assert.True(acksAll.Counts!.Duplicated > 0);
        Assert.Equal(0, acksAll.Counts.Lost);
        Assert.Contains(acksAll.Explanations, static e => e.Kind == "duplicated" && e.Text.Contains("dropped a Produce response", StringComparison.Ordinal));

        var roundTrip = AuditJson.Deserialize(AuditJson.Serialize(report));
        Assert.Equal(report.Results.Select(static r => (r.Scenario, r.Configuration, r.Verdict, r.Counts)), roundTrip.Results.Select(static r => (r.Scenario, r.Configuration, r.Verdict, r.Counts)));
    }

    [Fact]
    public async Task Critical_loses_duplicates_and_reorders_nothing_when_the_ISR_shrinks_brokers_restart_or_the_cluster_goes_down()
    {
        var report = await RunAsync(new AuditOptions
        {
            Scenarios = [ScenarioIds.IsrBelowMin, ScenarioIds.RollingRestart, ScenarioIds.ClusterOutage],
            Configurations = [AuditConfigurations.Critical],
        });

        Assert.All(report.Results, AssertClean);
        var outage = Result(report, ScenarioIds.ClusterOutage, "critical");
        Assert.True(outage.Counts!.Failed > 0, "messages sent while every broker was down should have timed out");
        Assert.All(outage.Failures, static f => Assert.Equal("Local_MsgTimedOut", f.Error));
        Assert.Equal(0, outage.Counts.NotPersistedButPresent);
        Assert.True(outage.Counts.Acknowledged > 0);
    }

    [Fact]
    public async Task Oversized_messages_are_dead_lettered_not_lost()
    {
        var report = await RunAsync(new AuditOptions { Scenarios = [ScenarioIds.Oversized], Configurations = [AuditConfigurations.Critical] });

        var result = Assert.Single(report.Results);
        AssertClean(result);
        Assert.Equal((3L, 3L), (result.Counts!.Failed, result.Counts.DeadLettered));
        Assert.Equal(new FailureGroup("MsgSizeTooLarge", 10, "NotPersisted", 3, 0, 3), Assert.Single(result.Failures));
    }

    [Fact]
    public async Task Unclean_election_loss_is_reported_as_possible_and_explained_from_the_ground_truth()
    {
        var report = await RunAsync(new AuditOptions { Scenarios = [ScenarioIds.UncleanElection], Configurations = [AuditConfigurations.Critical] });

        var result = Assert.Single(report.Results);
        Assert.Equal(Expectation.Possible, result.Expected!.Loss);
        Assert.Equal(Verdict.Expected, result.Verdict);
        Assert.True(result.Counts!.Lost > 0);
        Assert.False(result.CriticalViolation);
        Assert.False(report.CriticalViolation);
        Assert.True(result.GroundTruth);
        Assert.Contains(result.Explanations, static e => e.Kind == "lost" && e.Text.Contains("unclean election", StringComparison.Ordinal) && e.Text.Contains("truncated", StringComparison.Ordinal));
        Assert.Contains(result.Timeline, static t => t.Action.Contains("crashed brokers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Critical_loses_duplicates_and_reorders_nothing_through_a_clean_shutdown_and_a_network_cut()
    {
        var report = await RunAsync(new AuditOptions { Scenarios = [ScenarioIds.CleanShutdown, ScenarioIds.NetworkCut], Configurations = [AuditConfigurations.Critical] });

        Assert.Equal(2, report.Results.Count);
        Assert.All(report.Results, static r =>
        {
            Assert.Equal(Verdict.Pass, r.Verdict);
            Assert.Equal((0, 0, 0), (r.Counts!.Lost, r.Counts.Duplicated, r.Counts.Reordered));
            Assert.True(r.Counts.Acknowledged > 0);
        });
        Assert.False(report.CriticalViolation);
        Assert.Contains(report.Results[0].Timeline, static t => t.Action.Contains("shut", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Transactions_stay_atomic_through_a_coordinator_crash_mid_commit_a_zombie_instance_and_a_leader_crash()
    {
        var report = await RunAsync(new AuditOptions
        {
            Scenarios = [ScenarioIds.CoordinatorCrash, ScenarioIds.ZombieProducer, ScenarioIds.LeaderCrash],
            Configurations = [AuditConfigurations.Transactional, AuditConfigurations.Critical],
        });

        foreach (var scenario in new[] { ScenarioIds.CoordinatorCrash, ScenarioIds.ZombieProducer, ScenarioIds.LeaderCrash })
        {
            var result = Result(report, scenario, "transactional");
            output.WriteLine($"{scenario}: transactions {result.Counts!.TransactionsCommitted} committed, {result.Counts.TransactionsAborted} aborted; {string.Join("; ", result.Reasons)}");
            AssertClean(result);
            Assert.True(result.Counts.TransactionsCommitted > 0, $"{scenario}: no transaction committed");
            Assert.Equal((0L, 0L), (result.Counts.AbortedReads, result.Counts.TornTransactions));
        }

        Assert.Contains(Result(report, ScenarioIds.CoordinatorCrash, "transactional").Timeline, static t => t.Action.Contains("a transaction is decided and its markers are not written", StringComparison.Ordinal));
        Assert.Contains(Result(report, ScenarioIds.CoordinatorCrash, "transactional").Timeline, static t => t.Action.Contains("crashed broker", StringComparison.Ordinal));
        Assert.Equal(Verdict.Skipped, Result(report, ScenarioIds.ZombieProducer, "critical").Verdict);
        Assert.Contains("transactional configuration", Result(report, ScenarioIds.CoordinatorCrash, "critical").SkipReason, StringComparison.Ordinal);
        Assert.False(report.CriticalViolation);
    }
}
