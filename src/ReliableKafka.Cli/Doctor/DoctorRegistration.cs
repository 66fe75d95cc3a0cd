using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Doctor;

/// <summary>Adds <c>rk doctor</c> to rk's command line.</summary>
internal static class DoctorRegistration
{
    public static void AddDoctor(this IConfigurator config) =>
        config.AddCommand<DoctorCommand>("doctor")
            .WithDescription("Read a cluster (brokers, topic settings, ISR per partition) and explain what a producer with a profile will see, and what to do.")
            .WithExample("doctor", "--bootstrap-servers", "127.0.0.1:19092", "--topic", "task-events");
}
