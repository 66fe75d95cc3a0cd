using CsCheck;
using ReliableKafka.Audit.Checking;
using ReliableKafka.Audit.Checking.Library;
using ReliableKafka.Outbox;
using Xunit.Abstractions;

namespace ReliableKafka.Audit.Tests.Checking;

/// <summary>
/// The library checker on fixed seeds: each seed is a random fault history (replay any with
/// <c>rk check --library --seed</c>) run against a fresh cluster with the outbox relays (SQLite, and two on PostgreSQL),
/// the producer and the idempotent consumer; no promise may break.
/// </summary>
public sealed class LibraryCheckTests(ITestOutputHelper output)
{
    /// <summary>The fixed seeds CI runs: CsCheck seeds of PCG stream 2, states 1 to 4.</summary>
    public static TheoryData<string> Seeds { get; } = [.. Enumerable.Range(1, 4).Select(static n => new PCG(2, (ulong)n).ToString())];

    private static LibraryCheckSettings Settings(OutboxDeadEventPolicy policy = OutboxDeadEventPolicy.BlockKey) => new()
    {
        PostgresConnectionString = Environment.GetEnvironmentVariable("RK_TEST_POSTGRES")
            ?? throw new InvalidOperationException("RK_TEST_POSTGRES is not set: start a server with `eval \"$(bash .ci/postgres.sh)\"` (as .ci/run does) and run the tests again."),
        DeadEvents = policy,
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    [Trait("Requires", "PostgreSql")]
    public async Task A_random_fault_history_breaks_no_library_promise(string seed)
    {
        var report = await LibraryChecker.RunAsync(new LibraryCheckOptions { Seed = seed, Settings = Settings() });

        var result = Assert.Single(report.Results);
        output.WriteLine($"seed {seed}: {result.Schedule}");
        output.WriteLine($"{result.Counts}; {result.Elapsed.TotalSeconds:0.0} s");
        Assert.True(report.Passed, $"rk check --library --seed {seed} breaks: {string.Join(Environment.NewLine, result.Violations)}{Environment.NewLine}schedule: {result.Schedule}");
        Assert.True(result.Counts.Sent > 0 && result.Counts.Delivered > 0 && result.Counts.Effects > 0, $"the workload did nothing: {result.Counts}");
    }

    [Fact]
    public void A_seed_always_gives_the_same_history()
    {
        var seed = new PCG(2, 3).ToString();

        var first = LibraryTopology.Schedules.Generate(PCG.Parse(seed), null, out _);
        var second = LibraryTopology.Schedules.Generate(PCG.Parse(seed), null, out _);

        Assert.Equal(first.ToString(), second.ToString());
        Assert.NotEqual(first.ToString(), LibraryTopology.Schedules.Generate(new PCG(2, 4), null, out _).ToString());
    }

    /// <summary>
    /// The checker can fail: relays that publish past a dead event (the PublishSuccessors policy) break the promise that
    /// a dead event holds back its key, and the checker says so. The workload's too-large events die; their keys go on.
    /// </summary>
    [Fact]
    [Trait("Requires", "PostgreSql")]
    public async Task Publishing_past_a_dead_event_is_caught()
    {
        var schedule = new LibrarySchedule(7, [new CheckStep(3000, new HealFault(0))]);

        var result = await LibraryRunner.RunAsync(schedule, Settings(OutboxDeadEventPolicy.PublishSuccessors));

        output.WriteLine(result.Counts.ToString());
        output.WriteLine(string.Join(Environment.NewLine, result.Violations));
        Assert.True(result.Counts.Dead > 0, $"no event died: {result.Counts}");
        Assert.Contains(result.Violations, static v => v.Promise == LibraryPromise.DeadEventBlocksItsKey);
        Assert.All(result.Violations, static v => Assert.Equal(LibraryPromise.DeadEventBlocksItsKey, v.Promise));
    }
}
