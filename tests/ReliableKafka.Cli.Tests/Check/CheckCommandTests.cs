namespace ReliableKafka.Cli.Tests.Check;

/// <summary><c>rk check</c> through its real entry point.</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public async Task A_seed_replays_one_schedule_and_prints_the_invariants_and_the_verdict()
    {
        var run = await RkInProcess.RunAsync("check", "--seed", "000000000031");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("IsrReplicasAgree: every in-sync replica holds the leader's batches below the high watermark", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Schedule of seed 000000000031", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\s+1 pass\s+[0-9.]+ s\s+acked\s+[1-9]", run.Stdout);
        Assert.Contains("No violation in 1 schedules.", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("90000")]
    public async Task Seconds_out_of_range_are_refused_with_the_option_named(string seconds)
    {
        var run = await RkInProcess.RunAsync("check", "--seconds", seconds);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--seconds must be between 1 and 86400", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_library_seed_replays_one_history_on_sqlite_and_prints_the_promises_and_the_verdict()
    {
        var run = await RkInProcess.RunAsync("check", "--library", "--seed", "000000000031");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("KeyOrder: per key, events reach the topic in the order they were written", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("no PostgreSQL", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\s+1 pass\s+[0-9.]+ s\s+outboxes 1: written [1-9]", run.Stdout);
        Assert.Contains("No broken promise in 1 histories.", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_without_library_is_refused_with_what_to_do()
    {
        var run = await RkInProcess.RunAsync("check", "--postgres", "Host=db;Password=secret");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--postgres is an option of --library", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", run.Output, StringComparison.Ordinal);
    }
}
