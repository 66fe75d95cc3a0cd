using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Dlq;

/// <summary>The options every <c>rk dlq</c> command takes: the cluster, the dead-letter topic and spill, a time bound, JSON.</summary>
internal class DlqSettings : CommandSettings
{
    [CommandOption("--bootstrap-servers <LIST>")]
    [Description("The cluster, as host:port[[,host:port...]]. Required, unless --config has bootstrap.servers.")]
    public string? BootstrapServers { get; init; }

    [CommandOption("--topic <TOPIC>")]
    [Description("The dead-letter topic. Default dead-letter-queue. Replay marks are in <TOPIC>.replays.")]
    [DefaultValue(ReliableProducerDefaults.DeadLetterTopic)]
    public string Topic { get; init; } = ReliableProducerDefaults.DeadLetterTopic;

    [CommandOption("--spill <PATH>")]
    [Description("Also read the dead letters kept in this local spill file (DeadLetters:SpillPath). Default: none.")]
    public string? Spill { get; init; }

    [CommandOption("--config <FILE>")]
    [Description("Connection settings (security.protocol, sasl.*, ssl.*, client.id) from a .properties or JSON file, or ReliableKafka's Kafka section of an appsettings.json. Other properties are ignored; secrets are never printed.")]
    public string? Config { get; init; }

    [CommandOption("--timeout-ms <MS>")]
    [Description("How long to wait for the cluster, and to read each topic. Default 10000.")]
    [DefaultValue(10000)]
    public int TimeoutMs { get; init; } = 10000;

    [CommandOption("--json")]
    [Description("Print one JSON document on stdout (see docs/cli.md), for scripts.")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers) && Config is null)
        {
            return ValidationResult.Error("--bootstrap-servers is required, for example --bootstrap-servers 127.0.0.1:19092 (or give --config with bootstrap.servers).");
        }

        if (string.IsNullOrWhiteSpace(Topic))
        {
            return ValidationResult.Error("--topic must name the dead-letter topic, for example --topic dead-letter-queue.");
        }

        return TimeoutMs is < 100 or > 600_000
            ? ValidationResult.Error($"--timeout-ms must be between 100 and 600000, not {TimeoutMs}.")
            : ValidationResult.Success();
    }
}
