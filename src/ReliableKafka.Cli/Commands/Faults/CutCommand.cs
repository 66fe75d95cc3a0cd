using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary><c>rk fault cut BROKER [--client-id ID] [--mode blackhole|reset]</c>: the network-cut fault between clients and a broker.</summary>
internal sealed class CutCommand : FaultCommand<CutCommand.Settings>
{
    public sealed class Settings : BrokerCommand.Settings
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

    protected override ControlRequest Request(CommandContext context, Settings settings)
    {
        var body = new JsonObject { ["kind"] = "network-cut", ["broker"] = settings.Broker, ["mode"] = settings.Mode };
        if (settings.ClientId is not null)
        {
            body["clientId"] = settings.ClientId;
        }

        return ControlRequest.AddFault(body);
    }

    protected override void Render(CommandContext context, Settings settings, JsonElement answer) => FaultOutput.Added(answer);
}
