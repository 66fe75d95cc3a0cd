using Spectre.Console;

namespace ReliableKafka.Cli.Common;

/// <summary>
/// rk's standard error: one line per message (<c>rk lint: ...</c>), and a console for tables and progress when stdout
/// carries a JSON document. Commands get it injected beside the <see cref="IAnsiConsole"/> of stdout.
/// </summary>
internal sealed class StandardError
{
    private readonly Lazy<IAnsiConsole> _console;

    /// <param name="writer">Where the lines go.</param>
    /// <param name="redirected">True when a script reads it: lines are not wrapped and nothing is animated.</param>
    public StandardError(TextWriter writer, bool redirected)
    {
        Writer = writer;
        Redirected = redirected;
        _console = new Lazy<IAnsiConsole>(() =>
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
            if (redirected)
            {
                console.Profile.Width = Consoles.RedirectedWidth;
            }

            return console;
        });
    }

    /// <summary>The process's standard error.</summary>
    public static StandardError Process() => new(System.Console.Error, System.Console.IsErrorRedirected);

    public TextWriter Writer { get; }

    /// <summary>True when standard error is not a terminal.</summary>
    public bool Redirected { get; }

    /// <summary>A console over standard error, for a table printed while stdout carries JSON.</summary>
    public IAnsiConsole Console => _console.Value;

    public void WriteLine(string line) => Writer.WriteLine(line);

    public Task WriteLineAsync(string line) => Writer.WriteLineAsync(line);
}
