using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary><c>rk fault drop-acks BROKER [--count N]</c>: the drop-produce-responses fault (the append happens, the answer is lost).</summary>
internal sealed class DropAcksCommand : FaultCommand<DropAcksCommand.Settings>
{
    public sealed class Settings : BrokerCommand.Settings
    {
        [CommandOption("--count <N>")]
        [Description("How many Produce responses to drop. Default 1.")]
        [DefaultValue(1)]
        public int Count { get; init; } = 1;

        public override ValidationResult Validate() =>
            Count < 1 ? ValidationResult.Error($"--count must be 1 or more, not {Count}.") : base.Validate();
    }

    protected override ControlRequest Request(CommandContext context, Settings settings) =>
        ControlRequest.AddFault(new JsonObject { ["kind"] = "drop-produce-responses", ["broker"] = settings.Broker, ["count"] = settings.Count });

    protected override void Render(CommandContext context, Settings settings, JsonElement answer) => FaultOutput.Added(answer);
}
