using ReliableKafka.Cli;
using ReliableKafka.Cli.Common;
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
app.Configure(config => RkCommands.Configure(config, standardError, args));
return await app.RunAsync(args);
