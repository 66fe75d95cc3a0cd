using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Advise;

/// <summary>Adds <c>rk advise</c> to rk's command line.</summary>
internal static class AdviseRegistration
{
    public static void AddAdvise(this IConfigurator config) =>
        config.AddCommand<AdviseCommand>("advise")
            .WithDescription("Recommend a reliability profile, the producer configuration (C#, .properties, appsettings JSON) and topic settings, with reasons. Asks what it is not given, when interactive; otherwise every question needs its flag (exit 2 names the missing ones).")
            .WithExample("advise", "--loss-impact", "critical", "--latency-ms", "100", "--brokers", "3", "--peak-rate", "2000", "--consumers-deduplicate", "yes");
}
