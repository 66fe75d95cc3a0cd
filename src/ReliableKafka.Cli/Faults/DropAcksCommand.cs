using System.ComponentModel;
using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary><c>rk fault drop-acks BROKER [--count N]</c>: the drop-produce-responses fault (the append happens, the answer is lost).</summary>
internal sealed class DropAcksCommand(IAnsiConsole console, StandardError standardError) : FaultCommand<DropAcksCommand.Settings>(console, standardError)
{
    public sealed class Settings : BrokerSettings
    {
        [CommandOption("--count <N>")]
        [Description("How many Produce responses to drop. Default 1.")]
        [DefaultValue(1)]
        public int Count { get; init; } = 1;

        public override ValidationResult Validate() =>
            Count < 1 ? ValidationResult.Error($"--count must be 1 or more, not {Count}.") : base.Validate();
    }

    protected override Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        Answer(control.ApplyAsync(new DropProduceResponses(settings.Broker, Count: settings.Count), cancellationToken), fault => Output.Added(fault));
}
