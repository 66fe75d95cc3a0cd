using CsCheck;

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
        var results = new List<ScheduleResult>();
        ScheduleResult? smallest = null;
        try
        {
            await CheckTopology.Schedules.SampleAsync(
                async schedule =>
                {
                    var result = await ScheduleRunner.RunAsync(schedule, cancellationToken).ConfigureAwait(false);
                    lock (results)
                    {
                        results.Add(result);
                        if (!result.Passed && (smallest is null || result.Schedule.Steps.Count < smallest.Schedule.Steps.Count))
                        {
                            smallest = result;
                        }
                    }

                    options.OnResult?.Invoke(result);
                    if (!result.Passed)
                    {
                        throw new InvalidOperationException(string.Join(Environment.NewLine, result.Violations));
                    }
                },
                writeLine: options.OnMessage,
                seed: options.Seed,
                iter: options.Seed is null ? 1_000_000 : 1,
                time: options.Seed is null ? Math.Max(1, (int)options.Duration.TotalSeconds) : -1,
                threads: 1,
                print: static schedule => schedule.ToString()).ConfigureAwait(false);
            return new CheckReport(results, null, null, null);
        }
        catch (CsCheckException failure)
        {
            return new CheckReport(results, smallest, SeedOf(failure.Message) ?? options.Seed, failure.Message);
        }
    }

    /// <summary>The seed in CsCheck's failure message (<c>Set seed: "..."</c>).</summary>
    internal static string? SeedOf(string message)
    {
        const string marker = "seed: \"";
        var start = message.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }

        start += marker.Length;
        var end = message.IndexOf('"', start);
        return end > start ? message[start..end] : null;
    }
}
