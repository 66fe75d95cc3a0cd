using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Common;

/// <summary>How rk reports what escaped a command: usage errors exit 2, as rk's own start-up errors do.</summary>
internal static class CommandErrors
{
    /// <summary>The exit code of a command line rk cannot parse or a setting it rejects.</summary>
    public const int BadUsage = 2;

    /// <summary>Writes <paramref name="exception"/> to <paramref name="standardError"/>; returns the exit code.</summary>
    public static int Report(Exception exception, StandardError standardError)
    {
        var stderr = standardError.Console;
        if (exception is CommandAppException usage)
        {
            if (usage.Pretty is { } pretty)
            {
                stderr.Write(pretty);
            }
            else
            {
                stderr.WriteLine($"Error: {usage.Message}");
            }

            return BadUsage;
        }

        stderr.WriteException(exception);
        return -1;
    }
}
