namespace ReliableKafka.Audit.Checking;

/// <summary>How long and from where the checker explores.</summary>
public sealed record CheckOptions
{
    /// <summary>Explore random schedules for this long (then shrink any failure within what is left). Ignored with <see cref="Seed"/>.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Replays exactly the schedule of this CsCheck seed (as printed by a failing check) instead of exploring.</summary>
    public string? Seed { get; init; }

    /// <summary>Called with each schedule's result as it completes.</summary>
    public Action<ScheduleResult>? OnResult { get; init; }

    /// <summary>Called with CsCheck's summary lines.</summary>
    public Action<string>? OnMessage { get; init; }
}

/// <summary>The outcome of a check.</summary>
/// <param name="Results">Every schedule run, in order.</param>
/// <param name="Smallest">The smallest failing schedule's result, or null when every schedule passed.</param>
/// <param name="Seed">The CsCheck seed that replays <paramref name="Smallest"/> (<c>rk check --seed</c>), or null.</param>
/// <param name="Message">CsCheck's report of the failure (seed and shrunk schedule), or null.</param>
public sealed record CheckReport(IReadOnlyList<ScheduleResult> Results, ScheduleResult? Smallest, string? Seed, string? Message)
{
    /// <summary>True when no schedule broke an invariant.</summary>
    public bool Passed => Smallest is null;
}

/// <summary>
/// The simulator checker: random fault schedules (CsCheck generates them from a seed, and shrinks a failing one to a
/// smaller schedule that still fails) run against a fresh simulated cluster with real clients, each checked against
/// <see cref="CheckInvariants.All"/>.
/// </summary>
public static class SimulatorChecker
{
    /// <summary>Runs the check.</summary>
    /// <param name="options">Duration or seed, and progress callbacks.</param>
    /// <param name="cancellationToken">Stops it.</param>
    /// <returns>Every schedule run, and the smallest failure if any.</returns>
    public static async Task<CheckReport> RunAsync(CheckOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var outcome = await CheckSampler.RunAsync(
            CheckTopology.Schedules,
            schedule => ScheduleRunner.RunAsync(schedule, cancellationToken),
            static result => result.Passed,
            static result => result.Schedule.Steps.Count,
            static result => string.Join(Environment.NewLine, result.Violations),
            options.Duration,
            options.Seed,
            options.OnResult,
            options.OnMessage).ConfigureAwait(false);
        return new CheckReport(outcome.Results, outcome.Smallest, outcome.Seed, outcome.Message);
    }
}
