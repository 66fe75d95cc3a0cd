using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary><c>rk fault leader TOPIC PARTITION BROKER</c>: moves a partition's leadership, as a preferred-leader election does.</summary>
internal sealed class LeaderCommand : FaultCommand<LeaderCommand.Settings>
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
        [Description("The new leader: an online in-sync replica.")]
        public int Broker { get; init; }

        public override ValidationResult Validate() =>
            Partition < 0 ? ValidationResult.Error($"PARTITION must be 0 or more, not {Partition}.") : base.Validate();
    }

    protected override ControlRequest Request(CommandContext context, Settings settings) =>
        ControlRequest.Post($"/partitions/{ControlRequest.Segment(settings.Topic)}/{settings.Partition}/leader", new JsonObject { ["broker"] = settings.Broker });

    protected override void Render(CommandContext context, Settings settings, JsonElement answer) =>
        FaultOutput.Line($"{settings.Topic}[{settings.Partition}]: broker {FaultOutput.Text(answer, "leader")} is the leader now");
}
