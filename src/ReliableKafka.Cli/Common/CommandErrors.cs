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
            var secrets = Secrets(args);
            if (NotANumber(usage.Message, args) is { } message)
            {
                stderr.WriteLine($"Error: {Redact(message, secrets)}", Style.Plain);
            }
            else if (secrets.Count > 0)
            {
                // Spectre's pretty error repeats the whole command line: not with a connection string in it.
                stderr.WriteLine($"Error: {Redact(usage.Message, secrets)}", Style.Plain);
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

    /// <summary>The options whose values rk never prints: connection strings, which may hold a password.</summary>
    internal static readonly IReadOnlyList<string> SecretOptions = [Outbox.OutboxSettings.PostgresOption];

    /// <summary>
    /// The values on <paramref name="args"/> that must not be printed: those of <see cref="SecretOptions"/>, and any
    /// argument that looks like a connection string with a password (given without its option).
    /// </summary>
    internal static IReadOnlyList<string> Secrets(IReadOnlyList<string> args)
    {
        var secrets = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            foreach (var option in SecretOptions)
            {
                if (arg == option && i + 1 < args.Count)
                {
                    secrets.Add(args[i + 1]);
                }
                else if (arg.StartsWith(option + "=", StringComparison.Ordinal) || arg.StartsWith(option + ":", StringComparison.Ordinal))
                {
                    secrets.Add(arg[(option.Length + 1)..]);
                }
            }

            if (PasswordKeyword().IsMatch(arg))
            {
                secrets.Add(arg);
            }
        }

        return [.. secrets.Where(static s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(static s => s.Length)];
    }

    /// <summary><paramref name="text"/> with each of <paramref name="secrets"/> replaced by a placeholder.</summary>
    internal static string Redact(string text, IReadOnlyList<string> secrets) =>
        secrets.Aggregate(text, static (redacted, secret) => redacted.Replace(secret, "(connection string not shown)", StringComparison.Ordinal));

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

    [GeneratedRegex(@"(^|;)\s*(password|pwd)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordKeyword();

    [GeneratedRegex(@"^Failed to convert '(?<value>.*)' to (?<type>[^.]+)\.$")]
    private static partial Regex ConversionFailed();
}
