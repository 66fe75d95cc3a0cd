using ReliableKafka.Cli.Advise;
using ReliableKafka.Cli.Audit;
using ReliableKafka.Cli.Bench;
using ReliableKafka.Cli.Cluster;
using ReliableKafka.Cli.Common;
using ReliableKafka.Cli.Dlq;
using ReliableKafka.Cli.Doctor;
using ReliableKafka.Cli.Faults;
using ReliableKafka.Cli.Lint;
using Spectre.Console.Cli;
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
        tester.Configure(config =>
        {
            config.SetApplicationName("rk");
            config.RegisterStandardError(standardError);
            config.AddCluster();
            config.UseStrictParsing();
            config.AddAdvise();
            config.AddLint();
            config.AddFaultBranch();
            config.AddDoctor();
            config.AddDlqBranch();
            config.AddBench();
            config.AddAudit();
            config.SetExceptionHandler((exception, _) => CommandErrors.Report(exception, standardError, args));
        });
        var result = await tester.RunAsync(args);
        return new RkResult(result.ExitCode, result.Output, stderr.ToString());
    }
}
