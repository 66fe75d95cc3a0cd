using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

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
