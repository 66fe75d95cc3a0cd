using ReliableKafka.Cli.Advise;
using ReliableKafka.Cli.Audit;
using ReliableKafka.Cli.Bench;
using ReliableKafka.Cli.Check;
using ReliableKafka.Cli.Cluster;
using ReliableKafka.Cli.Common;
using ReliableKafka.Cli.Dlq;
using ReliableKafka.Cli.Doctor;
using ReliableKafka.Cli.Faults;
using ReliableKafka.Cli.Lint;
using ReliableKafka.Cli.Outbox;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli;

/// <summary>rk's commands, options and error handling: one configuration for the program and for in-process runs.</summary>
internal static class RkCommands
{
    /// <summary>Registers every command of rk on <paramref name="config"/>, in the order help lists them.</summary>
    /// <param name="config">The command app's configurator.</param>
    /// <param name="standardError">Where errors go.</param>
    /// <param name="args">The command line, so that a value rk cannot read is reported with its option.</param>
    public static void Configure(IConfigurator config, StandardError standardError, IReadOnlyList<string> args)
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
        config.AddOutboxBranch();
        config.AddBench();
        config.AddAudit();
        config.AddCheck();
        config.SetExceptionHandler((exception, _) => CommandErrors.Report(exception, standardError, args));
    }
}
