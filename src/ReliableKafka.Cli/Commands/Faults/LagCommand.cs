using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary><c>rk fault lag TOPIC PARTITION BROKER (--stop | --ms N)</c>: the follower-lag fault (a stopped or slow follower).</summary>
internal sealed class LagCommand : FaultCommand<LagCommand.Settings>
{
    public sealed class Settings : FaultSettings
    {
        [CommandArgument(0, "<TOPIC>")]
        [Description("The topic.")]
        public string Topic { get; init; } = "";

        [CommandArgument(1, "<PARTITION>")]
        [Description("The partition.")]
        public int Partition { get; init; }

        [CommandArgument(2, "<BROKER>")]
        [Description("The follower's broker.")]
        public int Broker { get; init; }

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

            if (Ms < 0 || Partition < 0)
            {
                return ValidationResult.Error($"--ms and PARTITION must be 0 or more (got {Ms} and {Partition}).");
            }

            return base.Validate();
        }
    }

    protected override ControlRequest Request(CommandContext context, Settings settings)
    {
        var body = new JsonObject { ["kind"] = "follower-lag", ["topic"] = settings.Topic, ["partition"] = settings.Partition, ["broker"] = settings.Broker };
        if (settings.Stop)
        {
            body["stop"] = true;
        }
        else
        {
            body["ms"] = settings.Ms;
        }

        return ControlRequest.AddFault(body);
    }

    protected override void Render(CommandContext context, Settings settings, JsonElement answer)
    {
        if (settings.Ms == 0)
        {
            FaultOutput.Line($"follower {settings.Broker} of {settings.Topic}[{settings.Partition}] copies without delay again");
            return;
        }

        FaultOutput.Added(answer, $"'rk fault clear {FaultOutput.Text(answer, "id")}' or 'rk fault lag {settings.Topic} {settings.Partition} {settings.Broker} --ms 0' ends it");
    }
}
