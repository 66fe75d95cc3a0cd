using System.ComponentModel;
using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Faults;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary><c>rk fault cut BROKER [--client-id ID] [--mode blackhole|reset]</c>: the network-cut fault between clients and a broker.</summary>
internal sealed class CutCommand(IAnsiConsole console, StandardError standardError) : FaultCommand<CutCommand.Settings>(console, standardError)
{
    public sealed class Settings : BrokerSettings
    {
        [CommandOption("--client-id <ID>")]
        [Description("Cut off only clients with this client.id. Default every client.")]
        public string? ClientId { get; init; }

        [CommandOption("--mode <MODE>")]
        [Description("blackhole (requests are never answered) or reset (connections are reset). Default blackhole.")]
        [DefaultValue("blackhole")]
        public string Mode { get; init; } = "blackhole";

        public override ValidationResult Validate() =>
            Mode is not ("blackhole" or "reset") ? ValidationResult.Error($"--mode must be blackhole or reset, not '{Mode}'.") : base.Validate();
    }

    protected override Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        Answer(
            control.ApplyAsync(new CutNetwork(settings.Broker, ClientId: settings.ClientId, Mode: settings.Mode == "reset" ? NetworkCutMode.Reset : NetworkCutMode.Blackhole), cancellationToken),
            fault => Output.Added(fault));
}
