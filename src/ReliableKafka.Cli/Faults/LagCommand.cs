using System.ComponentModel;
using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary><c>rk fault lag TOPIC PARTITION BROKER (--stop | --ms N)</c>: the follower-lag fault (a stopped or slow follower).</summary>
internal sealed class LagCommand(IAnsiConsole console, StandardError standardError) : FaultCommand<LagCommand.Settings>(console, standardError)
{
    public sealed class Settings : PartitionSettings
    {
        [CommandOption("--stop")]
        [Description("Stop the follower fetching at all.")]
        public bool Stop { get; init; }

        [CommandOption("--ms <MS>")]
        [Description("Let the follower copy only batches older than MS milliseconds; 0 restores it.")]
        public int? Ms { get; init; }

        public override ValidationResult Validate()
        {
            if (Stop == Ms.HasValue)
            {
                return ValidationResult.Error("Give either --stop (the follower stops fetching) or --ms N (it copies N ms behind the leader; 0 restores it).");
            }

            return Ms < 0 ? ValidationResult.Error($"--ms must be 0 or more, not {Ms}.") : base.Validate();
        }
    }

    protected override Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        Answer(
            control.ApplyAsync(new LagFollower(settings.Broker, Topic: settings.Topic, Partition: settings.Partition, Stop: settings.Stop, Milliseconds: settings.Ms ?? 0), cancellationToken),
            fault =>
            {
                if (settings.Ms == 0)
                {
                    Output.Line($"follower {settings.Broker} of {settings.Topic}[{settings.Partition}] copies without delay again");
                    return;
                }

                Output.Added(fault, $"'rk fault clear {fault.Id}' or 'rk fault lag {settings.Topic} {settings.Partition} {settings.Broker} --ms 0' ends it");
            });
}
