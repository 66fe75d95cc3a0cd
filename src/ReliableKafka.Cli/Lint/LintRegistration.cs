using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Lint;

/// <summary>Adds <c>rk lint</c> to rk's command line.</summary>
internal static class LintRegistration
{
    public static void AddLint(this IConfigurator config) =>
        config.AddCommand<LintCommand>("lint")
            .WithDescription("Check a producer configuration (.properties, JSON, or an appsettings.json section) with ReliableKafka's rules RK001-RK012. Exit 0 no errors, 1 errors, 2 unreadable input.")
            .WithExample("lint", "producer.properties", "--profile", "Critical")
            .WithExample("lint", "appsettings.json", "--section", "Kafka:Producer", "--json");
}
