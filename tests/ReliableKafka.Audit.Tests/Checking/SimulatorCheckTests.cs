using Confluent.Kafka;
using CsCheck;
using ReliableKafka.Audit.Checking;
using ReliableKafka.Simulator.Control;
using Xunit.Abstractions;

namespace ReliableKafka.Audit.Tests.Checking;

/// <summary>
/// The simulator checker on fixed seeds: each seed is a random fault schedule (replay any with <c>rk check --seed</c>)
/// run against a fresh cluster with real clients; no invariant may break.
/// </summary>
public sealed class SimulatorCheckTests(ITestOutputHelper output)
{
    /// <summary>The fixed seeds CI runs: CsCheck seeds of PCG stream 1, states 1 to 10.</summary>
    public static TheoryData<string> Seeds { get; } = [.. Enumerable.Range(1, 10).Select(static n => new PCG(1, (ulong)n).ToString())];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_random_fault_schedule_breaks_no_invariant(string seed)
    {
        var report = await SimulatorChecker.RunAsync(new CheckOptions { Seed = seed });

        var result = Assert.Single(report.Results);
        output.WriteLine($"seed {seed}: {result.Schedule}");
        output.WriteLine($"acked {result.Acknowledged}, read {result.Consumed}, elections {result.Elections} (unclean {result.UncleanElections}), truncations {result.Truncations}, transactions {result.TransactionsCommitted} committed {result.TransactionsAborted} aborted, {result.Elapsed.TotalSeconds:0.0} s");
        Assert.True(report.Passed, $"rk check --seed {seed} breaks: {string.Join(Environment.NewLine, result.Violations)}{Environment.NewLine}schedule: {result.Schedule}");
    }

    [Fact]
    public void A_seed_always_gives_the_same_schedule()
    {
        var seed = new PCG(1, 7).ToString();

        var first = CheckTopology.Schedules.Generate(PCG.Parse(seed), null, out _);
        var second = CheckTopology.Schedules.Generate(PCG.Parse(seed), null, out _);

        Assert.Equal(first.ToString(), second.ToString());
        Assert.NotEqual(first.ToString(), CheckTopology.Schedules.Generate(new PCG(1, 8), null, out _).ToString());
    }

    /// <summary>
    /// The checker can fail: held to acks=all's promise, acks=1 loses acknowledged writes when the leader crashes while
    /// its in-sync followers copy 400 ms behind (a clean election to a follower that lacks them), and the checker says so.
    /// </summary>
    [Fact]
    public async Task Holding_acks_1_to_the_acks_all_promise_is_caught_as_lost_acknowledged_writes()
    {
        var schedule = new CheckSchedule(
        [
            new CheckStep(100, new ApplyFault(new LagFollower(2, CheckTopology.SafeTopic, 0, Milliseconds: 400))),
            new CheckStep(0, new ApplyFault(new LagFollower(3, CheckTopology.SafeTopic, 0, Milliseconds: 400))),
            new CheckStep(0, new ApplyFault(new MoveLeader(1, CheckTopology.SafeTopic, 0))),
            new CheckStep(1000, new ApplyFault(new CrashBroker(1))),
        ]);

        var result = await ScheduleRunner.RunAsync(schedule, new HashSet<Acks> { Acks.All, Acks.Leader }, CancellationToken.None);

        output.WriteLine(string.Join(Environment.NewLine, result.Violations));
        Assert.NotEmpty(result.Violations);
        Assert.All(result.Violations, static v =>
        {
            Assert.Equal(CheckInvariant.AcknowledgedWritesSurvive, v.Invariant);
            Assert.Contains("(acks=1)", v.Detail, StringComparison.Ordinal);
            Assert.Contains("clean election (leader went down)", v.Detail, StringComparison.Ordinal);
        });
    }
}
