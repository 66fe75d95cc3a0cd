using System.Diagnostics;

namespace ReliableKafka.Testing;

/// <summary>Waits on a condition instead of a fixed delay: polls until it holds, and fails with a clear message after a generous timeout.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <paramref name="timeout"/> saying <paramref name="because"/> did not happen, with <paramref name="state"/>.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string because, Func<string>? state = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, because, state);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <paramref name="timeout"/> saying <paramref name="because"/> did not happen, with <paramref name="state"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, Func<string>? state = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"{because} did not happen within {timeout.TotalSeconds:0.#} s. {state?.Invoke()}".TrimEnd());
            }

            await Task.Delay(Poll);
        }
    }
}
