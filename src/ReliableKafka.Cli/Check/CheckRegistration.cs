using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Check;

/// <summary>Adds <c>rk check</c> to rk's command line.</summary>
internal static class CheckRegistration
{
    public static void AddCheck(this IConfigurator config) =>
        config.AddCommand<CheckCommand>("check")
            .WithDescription("Check the simulated cluster against Kafka's invariants under random fault schedules, with real clients (with --library: the library's promises under random fault histories); a failure prints its seed and the smallest failing schedule found.")
            .WithExample("check", "--seconds", "600")
            .WithExample("check", "--seed", "0N0XIzNsQ0O2")
            .WithExample("check", "--library", "--seconds", "1800", "--postgres", "Host=localhost;Username=postgres");
}
