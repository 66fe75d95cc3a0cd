using System.ComponentModel;
using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Protocol;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary><c>rk fault error BROKER --code CODE [--api API] [--count N] [--topic T] [--partition P]</c>: answers requests with a Kafka error and no effect.</summary>
internal sealed class ErrorCommand(IAnsiConsole console, StandardError standardError) : FaultCommand<ErrorCommand.Settings>(console, standardError)
{
    public sealed class Settings : BrokerSettings
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

    protected override Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Names and codes are read as the control API reads them; an unknown one is refused as it would refuse it.
        if (!KafkaErrors.TryParse(settings.Code!, out var error) || error == KafkaErrorCode.None)
        {
            throw new FaultRefusedException($"Unknown Kafka error '{settings.Code}'; give a name such as NOT_ENOUGH_REPLICAS or a code such as 19.");
        }

        var fault = new InjectError(settings.Broker, Api: ParseApi(settings.Api), Error: error, Count: settings.Count, Topic: settings.Topic, Partition: settings.Partition);
        return Answer(control.ApplyAsync(fault, cancellationToken), added => Output.Added(added));
    }
}
