using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Common;

/// <summary>How rk reports what escaped a command: usage errors exit 2, as rk's own start-up errors do.</summary>
internal static partial class CommandErrors
{
    /// <summary>The exit code of a command line rk cannot parse or a setting it rejects.</summary>
    public const int BadUsage = 2;

    /// <summary>Writes <paramref name="exception"/> to <paramref name="standardError"/>; returns the exit code.</summary>
    /// <param name="exception">What escaped the command.</param>
    /// <param name="standardError">Where the message goes.</param>
    /// <param name="args">The command line, to name the option whose value could not be read.</param>
    public static int Report(Exception exception, StandardError standardError, IReadOnlyList<string> args)
    {
        var stderr = standardError.Console;
        if (exception is CommandAppException usage)
        {
            if (NotANumber(usage.Message, args) is { } message)
            {
                stderr.WriteLine($"Error: {message}", Style.Plain);
            }
            else if (usage.Pretty is { } pretty)
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

    /// <summary>
    /// Spectre.Console.Cli says only "Failed to convert 'x' to Int32." for a value that is not a number; this names the
    /// option (or argument) it was given for and what it takes. Null when the message is another one.
    /// </summary>
    internal static string? NotANumber(string message, IReadOnlyList<string> args)
    {
        var match = ConversionFailed().Match(message);
        if (!match.Success)
        {
            return null;
        }

        var value = match.Groups["value"].Value;
        var wanted = match.Groups["type"].Value is "Double" or "Single" or "Decimal" ? "a number" : "a whole number";
        var given = "the argument";
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith('-') && arg.EndsWith("=" + value, StringComparison.Ordinal))
            {
                given = arg[..arg.IndexOf('=', StringComparison.Ordinal)];
                break;
            }

            if (arg == value)
            {
                given = i > 0 && args[i - 1].StartsWith('-') ? args[i - 1] : "the argument";
                break;
            }
        }

        return $"{given} takes {wanted}, not '{value}'; --help lists what each option takes.";
    }

    [GeneratedRegex(@"^Failed to convert '(?<value>.*)' to (?<type>[^.]+)\.$")]
    private static partial Regex ConversionFailed();
}
