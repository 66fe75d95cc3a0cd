using System.ComponentModel;
using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary><c>rk fault delay BROKER --ms N [--api API]</c>: a slow broker (responses wait after the request took effect).</summary>
internal sealed class DelayCommand(IAnsiConsole console, StandardError standardError) : FaultCommand<DelayCommand.Settings>(console, standardError)
{
    public sealed class Settings : BrokerSettings
    {
        [CommandOption("--ms <MS>")]
        [Description("How long each response waits, in milliseconds. Required.")]
        public int? Ms { get; init; }

        [CommandOption("--api <API>")]
        [Description("Only responses of this API, such as Produce or Fetch. Default every response.")]
        public string? Api { get; init; }

        public override ValidationResult Validate() => Ms switch
        {
            null => ValidationResult.Error("Give --ms, the delay in milliseconds, such as --ms 200."),
            < 0 => ValidationResult.Error($"--ms must be 0 or more, not {Ms}."),
            _ => base.Validate(),
        };
    }

    protected override Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        Answer(
            control.ApplyAsync(new DelayResponses(settings.Broker, Milliseconds: settings.Ms!.Value, Api: settings.Api is null ? null : ParseApi(settings.Api)), cancellationToken),
            fault => Output.Added(fault));
}
