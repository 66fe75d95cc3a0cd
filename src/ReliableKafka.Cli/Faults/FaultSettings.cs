using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary>The options every <c>rk fault</c> command takes: where the control API is, and whether to print its JSON.</summary>
internal class FaultSettings : CommandSettings
{
    [CommandOption("--control <URL>")]
    [Description("The control API of rk cluster. Default $RK_CONTROL, else http://127.0.0.1:19090.")]
    public string? Control { get; init; }

    [CommandOption("--json")]
    [Description("Print the control API's JSON answer as it is, for scripts.")]
    public bool Json { get; init; }

    /// <summary>The control API's base address, without a trailing slash (valid after <see cref="Validate"/>).</summary>
    public string ControlUrl => Normalize(ControlText) ?? FaultConstants.DefaultControl;

    private string ControlText => Control ?? Environment.GetEnvironmentVariable(FaultConstants.ControlVariable) ?? FaultConstants.DefaultControl;

    public override ValidationResult Validate()
    {
        if (Normalize(ControlText) is null)
        {
            var from = Control is null ? $"${FaultConstants.ControlVariable}" : "--control";
            return ValidationResult.Error($"{from} '{ControlText}' is not an http URL such as {FaultConstants.DefaultControl}.");
        }

        return ValidationResult.Success();
    }

    /// <summary>Accepts http://host:port, https://host:port or host:port; null when it is none of these.</summary>
    private static string? Normalize(string text)
    {
        var candidate = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        return Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? uri.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : null;
    }
}

/// <summary>The settings of the commands about one broker: <c>BROKER</c> first.</summary>
internal class BrokerSettings : FaultSettings
{
    [CommandArgument(0, "<BROKER>")]
    [Description("The broker id, as GET /cluster lists them (1..N).")]
    public int Broker { get; init; }

    public override ValidationResult Validate() =>
        Broker < 0 ? ValidationResult.Error($"BROKER must be a broker id such as 1, not {Broker}.") : base.Validate();
}

/// <summary>The settings of the commands about one replica of a partition: <c>TOPIC PARTITION BROKER</c>.</summary>
internal class PartitionSettings : FaultSettings
{
    [CommandArgument(0, "<TOPIC>")]
    [Description("The topic.")]
    public string Topic { get; init; } = "";

    [CommandArgument(1, "<PARTITION>")]
    [Description("The partition.")]
    public int Partition { get; init; }

    [CommandArgument(2, "<BROKER>")]
    [Description("The broker: the new leader (leader) or the follower (lag).")]
    public int Broker { get; init; }

    public override ValidationResult Validate() =>
        Partition < 0 ? ValidationResult.Error($"PARTITION must be 0 or more, not {Partition}.") : base.Validate();
}
