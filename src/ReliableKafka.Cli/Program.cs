using ReliableKafka.Cli.Advise;
using ReliableKafka.Cli.Audit;
using ReliableKafka.Cli.Bench;
using ReliableKafka.Cli.Cluster;
using ReliableKafka.Cli.Common;
using ReliableKafka.Cli.Dlq;
using ReliableKafka.Cli.Doctor;
using ReliableKafka.Cli.Faults;
using ReliableKafka.Cli.Lint;
using Spectre.Console;
using Spectre.Console.Cli;

if (Console.IsOutputRedirected)
{
    // Scripts and CI read rk's output: do not wrap messages at 80 columns.
    AnsiConsole.Profile.Width = Consoles.RedirectedWidth;
}

if (Console.IsInputRedirected || Console.IsOutputRedirected)
{
    // Nobody to answer a prompt or to watch a progress bar.
    AnsiConsole.Profile.Capabilities.Interactive = false;
}

var standardError = StandardError.Process();

var app = new CommandApp();
app.Configure(config =>
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
return await app.RunAsync(args);
