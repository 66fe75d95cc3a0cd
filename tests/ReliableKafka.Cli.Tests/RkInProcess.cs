using ReliableKafka.Cli.Common;
using Spectre.Console.Cli.Testing;
using Spectre.Console.Testing;

namespace ReliableKafka.Cli.Tests;

/// <summary>
/// Runs rk's commands in the test process, as rk's entry point configures them, with a <see cref="TestConsole"/> for
/// standard output and a string for standard error. For what a child process proves nothing more about.
/// </summary>
internal static class RkInProcess
{
    public static async Task<RkResult> RunAsync(params string[] args)
    {
        var stderr = new StringWriter();
        var standardError = new StandardError(stderr, redirected: true);
        var console = new TestConsole().Width(Consoles.RedirectedWidth);
        var tester = new CommandAppTester(registrar: null!, new CommandAppTesterSettings { TrimConsoleOutput = false }, console);
        tester.Configure(config => RkCommands.Configure(config, standardError, args));
        var result = await tester.RunAsync(args);
        return new RkResult(result.ExitCode, result.Output, stderr.ToString());
    }
}
