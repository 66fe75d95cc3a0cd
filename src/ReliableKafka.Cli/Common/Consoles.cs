using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Common;

/// <summary>How rk's commands reach their consoles.</summary>
internal static class Consoles
{
    /// <summary>The width of a console that a script reads: wide enough that no message is wrapped.</summary>
    public const int RedirectedWidth = 4096;

    /// <summary>
    /// Writes <paramref name="text"/> and a line break as it is, without markup or wrapping (a JSON document, a line
    /// a script reads), to the console's own output.
    /// </summary>
    public static void WriteRaw(this IAnsiConsole console, string text) => console.Profile.Out.Writer.WriteLine(text);

    /// <summary>Registers the process's standard error for the commands' constructors.</summary>
    public static void RegisterStandardError(this IConfigurator config, StandardError standardError) =>
        config.Settings.Registrar.RegisterInstance(standardError);
}
