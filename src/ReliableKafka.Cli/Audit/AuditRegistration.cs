using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Audit;

/// <summary>Adds <c>rk audit</c> to rk's command line.</summary>
internal static class AuditRegistration
{
    public static void AddAudit(this IConfigurator config) =>
        config.AddCommand<AuditCommand>("audit")
            .WithDescription("Measure what each producer configuration loses, duplicates or reorders under faults (leader crash, lost acks, restarts, outages...), on the simulated cluster or on a real one through --fault-command. Prints a table; --json and --html write reports. Exit 0 every run as Kafka promises, 1 a configuration marked Critical broke a promise, 2 bad usage or unreachable cluster, 3 another run disagrees with the expectations or failed.")
            .WithExample("audit", "--quick", "--json", "audit.json", "--html", "audit.html")
            .WithExample("audit", "--scenario", "leader-crash,rolling-restart", "--config", "critical", "--config", "producer.properties")
            .WithExample("audit", "--bootstrap-servers", "kafka-1:9092,kafka-2:9092,kafka-3:9092", "--fault-command", "./kafka-fault.sh {action} {broker}");
}
