using ReliableKafka.Cli.Commands;
using ReliableKafka.Cli.Commands.Faults;
using Spectre.Console;
using Spectre.Console.Cli;

if (Console.IsOutputRedirected)
{
    // Scripts and CI read rk's output: do not wrap messages at 80 columns.
    AnsiConsole.Profile.Width = 4096;
}

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("rk");
    config.AddCommand<ClusterCommand>("cluster")
        .WithDescription("Run a simulated Kafka cluster (brokers on consecutive ports, a JSON control API) in the foreground.")
        .WithExample("cluster", "--brokers", "3", "--port", "19092", "--topic", "task-events:3:3:2");
    config.AddFaultBranch();
    config.AddCommand<DoctorCommand>("doctor")
        .WithDescription("Read a cluster (brokers, topic settings, ISR per partition) and explain what a producer with a profile will see, and what to do.")
        .WithExample("doctor", "--bootstrap-servers", "127.0.0.1:19092", "--topic", "task-events");
    config.SetExceptionHandler(static (exception, _) => CommandErrors.Report(exception));
});
return await app.RunAsync(args);
