namespace ReliableKafka.Audit.Checking.Library;

/// <summary>How long, from where and against what the library checker explores.</summary>
public sealed record LibraryCheckOptions
{
    /// <summary>Explore random schedules for this long. Ignored with <see cref="Seed"/>.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Replays exactly the schedule of this CsCheck seed (as printed by a failing check) instead of exploring.</summary>
    public string? Seed { get; init; }

    /// <summary>PostgreSQL and the dead-event policy.</summary>
    public LibraryCheckSettings Settings { get; init; } = new();

    /// <summary>Called with each schedule's result as it completes.</summary>
    public Action<LibraryResult>? OnResult { get; init; }

    /// <summary>Called with CsCheck's summary lines.</summary>
    public Action<string>? OnMessage { get; init; }
}

/// <summary>The outcome of a library check.</summary>
/// <param name="Results">Every schedule run, in order.</param>
/// <param name="Smallest">The smallest failing schedule's result, or null when every schedule passed.</param>
/// <param name="Seed">The CsCheck seed that replays <paramref name="Smallest"/> (<c>rk check --library --seed</c>), or null.</param>
/// <param name="Message">CsCheck's report of the failure, or null.</param>
public sealed record LibraryCheckReport(IReadOnlyList<LibraryResult> Results, LibraryResult? Smallest, string? Seed, string? Message)
{
    /// <summary>True when no schedule broke a promise.</summary>
    public bool Passed => Smallest is null;
}

/// <summary>
/// The library checker: random fault histories (CsCheck generates them from a seed and shrinks a failing one) run
/// against a fresh simulated cluster with the outbox relays, the producer and the idempotent consumer, each checked
/// against <see cref="LibraryPromises.All"/>.
/// </summary>
public static class LibraryChecker
{
    /// <summary>Runs the check.</summary>
    /// <param name="options">Duration or seed, settings and progress callbacks.</param>
    /// <param name="cancellationToken">Stops it.</param>
    /// <returns>Every schedule run, and the smallest failure if any.</returns>
    public static async Task<LibraryCheckReport> RunAsync(LibraryCheckOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var outcome = await CheckSampler.RunAsync(
            LibraryTopology.Schedules,
            schedule => LibraryRunner.RunAsync(schedule, options.Settings, cancellationToken),
            static result => result.Passed,
            static result => result.Schedule.Steps.Count,
            static result => string.Join(Environment.NewLine, result.Violations),
            options.Duration,
            options.Seed,
            options.OnResult,
            options.OnMessage).ConfigureAwait(false);
        return new LibraryCheckReport(outcome.Results, outcome.Smallest, outcome.Seed, outcome.Message);
    }
}
