using ReliableKafka.Cli.Commands;
using ReliableKafka.Cli.Commands.Dlq;
using ReliableKafka.Cli.Cluster;
using ReliableKafka.Cli.Faults;
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
    config.UseStrictParsing();
    config.AddCommand<AdviseCommand>("advise")
        .WithDescription("Recommend a reliability profile, the producer configuration (C#, .properties, appsettings JSON) and topic settings, with reasons. Asks what it is not given, when interactive; otherwise every question needs its flag (exit 2 names the missing ones).")
        .WithExample("advise", "--loss-impact", "critical", "--latency-ms", "100", "--brokers", "3", "--peak-rate", "2000", "--consumers-deduplicate", "yes");
    config.AddCommand<LintCommand>("lint")
        .WithDescription("Check a producer configuration (.properties, JSON, or an appsettings.json section) with ReliableKafka's rules RK001-RK012. Exit 0 no errors, 1 errors, 2 unreadable input.")
        .WithExample("lint", "producer.properties", "--profile", "Critical")
        .WithExample("lint", "appsettings.json", "--section", "Kafka:Producer", "--json");
    config.AddFaultBranch();
    config.AddCommand<DoctorCommand>("doctor")
        .WithDescription("Read a cluster (brokers, topic settings, ISR per partition) and explain what a producer with a profile will see, and what to do.")
        .WithExample("doctor", "--bootstrap-servers", "127.0.0.1:19092", "--topic", "task-events");
    config.AddDlqBranch();
    config.AddCommand<BenchCommand>("bench")
        .WithDescription("Throughput and p50/p99 latency of each reliability profile, side by side, against an embedded simulator (replication and response delays set, so acks=0 < acks=1 < acks=all as on a network) or a real cluster. Exit 0 ran, 1 the embedded simulator did not give that order, 2 bad input or unreachable cluster.")
        .WithExample("bench")
        .WithExample("bench", "--messages", "50000", "--rounds", "3", "--html", "bench.html")
        .WithExample("bench", "--bootstrap-servers", "127.0.0.1:19092", "--topic", "rk-bench", "--json");
    config.AddCommand<AuditCommand>("audit")
        .WithDescription("Measure what each producer configuration loses, duplicates or reorders under faults (leader crash, lost acks, restarts, outages...), on the simulated cluster or on a real one through --fault-command. Prints a table; --json and --html write reports. Exit 0 every run as Kafka promises, 1 a configuration marked Critical broke a promise, 2 bad usage or unreachable cluster, 3 another run disagrees with the expectations or failed.")
        .WithExample("audit", "--quick", "--json", "audit.json", "--html", "audit.html")
        .WithExample("audit", "--scenario", "leader-crash,rolling-restart", "--config", "critical", "--config", "producer.properties")
        .WithExample("audit", "--bootstrap-servers", "kafka-1:9092,kafka-2:9092,kafka-3:9092", "--fault-command", "./kafka-fault.sh {action} {broker}");
    config.SetExceptionHandler(static (exception, _) => CommandErrors.Report(exception));
});
return await app.RunAsync(args);
