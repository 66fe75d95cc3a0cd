using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Cluster;

/// <summary>Adds <c>rk cluster</c> to rk's command line.</summary>
internal static class ClusterRegistration
{
    public static void AddCluster(this IConfigurator config) =>
        config.AddCommand<ClusterCommand>("cluster")
            .WithDescription("Run a simulated Kafka cluster (brokers on consecutive ports, a JSON control API) in the foreground.")
            .WithExample("cluster", "--brokers", "3", "--port", "19092", "--topic", "task-events:3:3:2");
}
