using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary><c>rk fault error BROKER --code CODE [--api API] [--count N] [--topic T] [--partition P]</c>: answers requests with a Kafka error and no effect.</summary>
internal sealed class ErrorCommand : FaultCommand<ErrorCommand.Settings>
{
    public sealed class Settings : BrokerCommand.Settings
    {
        [CommandOption("--code <CODE>")]
        [Description("The Kafka error, by code (19) or name (NOT_ENOUGH_REPLICAS). Required.")]
        public string? Code { get; init; }

        [CommandOption("--api <API>")]
        [Description("The API to fail: Produce, Fetch, ListOffsets, Metadata or InitProducerId. Default Produce.")]
        [DefaultValue("Produce")]
        public string Api { get; init; } = "Produce";

        [CommandOption("--count <N>")]
        [Description("How many requests (or partitions) it hits. Default 1.")]
        [DefaultValue(1)]
        public int Count { get; init; } = 1;

        [CommandOption("--topic <TOPIC>")]
        [Description("Only this topic. Default any.")]
        public string? Topic { get; init; }

        [CommandOption("--partition <PARTITION>")]
        [Description("Only this partition. Default any.")]
        public int? Partition { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Code))
            {
                return ValidationResult.Error("Give --code, a Kafka error code or name, such as --code 19 or --code NOT_ENOUGH_REPLICAS.");
            }

            if (Count < 1)
            {
                return ValidationResult.Error($"--count must be 1 or more, not {Count}.");
            }

            return Partition < 0 ? ValidationResult.Error($"--partition must be 0 or more, not {Partition}.") : base.Validate();
        }
    }

    protected override ControlRequest Request(CommandContext context, Settings settings)
    {
        var body = new JsonObject
        {
            ["kind"] = "error",
            ["broker"] = settings.Broker,
            ["api"] = settings.Api,
            ["error"] = settings.Code,
            ["count"] = settings.Count,
        };
        if (settings.Topic is not null)
        {
            body["topic"] = settings.Topic;
        }

        if (settings.Partition is not null)
        {
            body["partition"] = settings.Partition;
        }

        return ControlRequest.AddFault(body);
    }

    protected override void Render(CommandContext context, Settings settings, JsonElement answer) => FaultOutput.Added(answer);
}
