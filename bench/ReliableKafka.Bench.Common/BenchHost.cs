using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace ReliableKafka.Bench.Common;

/// <summary>What every benchmark harness's entry point does: read the options, print usage, run, map failures to exit codes.</summary>
public static class BenchHost
{
    /// <summary>The exit code of options that cannot be read (the usage is printed).</summary>
    public const int BadUsage = 2;

    /// <summary>The exit code of a run that threw.</summary>
    public const int Failed = 1;

    /// <summary>
    /// Parses <paramref name="args"/> with <paramref name="parse"/> (an <see cref="ArgumentException"/> prints its
    /// message and the usage, exit 2), prints the usage for <c>--help</c> (exit 0), otherwise runs (an exception is
    /// printed, exit 1).
    /// </summary>
    /// <typeparam name="TOptions">The harness's options.</typeparam>
    /// <param name="args">The command line.</param>
    /// <param name="parse">Reads the options; throws <see cref="ArgumentException"/> naming the flag.</param>
    /// <param name="usage">The usage text.</param>
    /// <param name="help">Whether the options ask for the usage.</param>
    /// <param name="run">The benchmark; returns its exit code.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> MainAsync<TOptions>(string[] args, Func<string[], TOptions> parse, string usage, Func<TOptions, bool> help, Func<TOptions, Task<int>> run)
    {
        TOptions options;
        try
        {
            options = parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(usage).ConfigureAwait(false);
            return BadUsage;
        }

        if (help(options))
        {
            Console.WriteLine(usage);
            return 0;
        }

        try
        {
            return await run(options).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"error: {e}").ConfigureAwait(false);
            return Failed;
        }
    }

    /// <summary>The runtime line of a report: .NET, OS, CPUs, GC mode, Confluent.Kafka and librdkafka versions.</summary>
    public static string Runtime => string.Create(
        CultureInfo.InvariantCulture,
        $"  {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} CPUs, {(GCSettings.IsServerGC ? "server" : "workstation")} GC ({GCSettings.LatencyMode}), Confluent.Kafka {typeof(IProducer<,>).Assembly.GetName().Version}, librdkafka {Library.VersionString}");
}
