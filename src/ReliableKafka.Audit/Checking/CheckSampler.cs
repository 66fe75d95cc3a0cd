using CsCheck;

namespace ReliableKafka.Audit.Checking;

/// <summary>What a sampling run found: every result, the smallest failing one, and the seed that replays it.</summary>
internal sealed record SampleOutcome<TResult>(IReadOnlyList<TResult> Results, TResult? Smallest, string? Seed, string? Message)
    where TResult : class;

/// <summary>
/// Drives a checker with CsCheck: random schedules from a seed for a while (or the one schedule of a given seed), each
/// run and judged; a failure stops the exploration and CsCheck shrinks it to a smaller schedule that still fails.
/// </summary>
internal static class CheckSampler
{
    public static async Task<SampleOutcome<TResult>> RunAsync<TSchedule, TResult>(
        Gen<TSchedule> schedules,
        Func<TSchedule, Task<TResult>> run,
        Func<TResult, bool> passed,
        Func<TResult, int> size,
        Func<TResult, string> describeFailure,
        TimeSpan duration,
        string? seed,
        Action<TResult>? onResult,
        Action<string>? onMessage)
        where TResult : class
    {
        var results = new List<TResult>();
        TResult? smallest = null;
        try
        {
            await schedules.SampleAsync(
                async schedule =>
                {
                    var result = await run(schedule).ConfigureAwait(false);
                    lock (results)
                    {
                        results.Add(result);
                        if (!passed(result) && (smallest is null || size(result) < size(smallest)))
                        {
                            smallest = result;
                        }
                    }

                    onResult?.Invoke(result);
                    if (!passed(result))
                    {
                        throw new InvalidOperationException(describeFailure(result));
                    }
                },
                writeLine: onMessage,
                seed: seed,
                iter: seed is null ? 1_000_000 : 1,
                time: seed is null ? Math.Max(1, (int)duration.TotalSeconds) : -1,
                threads: 1,
                print: static schedule => schedule?.ToString() ?? "").ConfigureAwait(false);
            return new SampleOutcome<TResult>(results, null, null, null);
        }
        catch (CsCheckException failure)
        {
            return new SampleOutcome<TResult>(results, smallest, SeedOf(failure.Message) ?? seed, failure.Message);
        }
    }

    /// <summary>The seed in CsCheck's failure message (<c>Set seed: "..."</c>).</summary>
    private static string? SeedOf(string message)
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
