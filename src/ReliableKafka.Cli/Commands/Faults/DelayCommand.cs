using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary><c>rk fault delay BROKER --ms N [--api API]</c>: a slow broker (responses wait after the request took effect).</summary>
internal sealed class DelayCommand : FaultCommand<DelayCommand.Settings>
{
    public sealed class Settings : BrokerCommand.Settings
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

    protected override ControlRequest Request(CommandContext context, Settings settings)
    {
        var body = new JsonObject { ["kind"] = "delay", ["broker"] = settings.Broker, ["ms"] = settings.Ms };
        if (settings.Api is not null)
        {
            body["api"] = settings.Api;
        }

        return ControlRequest.AddFault(body);
    }

    protected override void Render(CommandContext context, Settings settings, JsonElement answer) => FaultOutput.Added(answer);
}
