using ReliableKafka.Cli.Common;
using ReliableKafka.Cli.Lint;
using ReliableKafka.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Dlq;

/// <summary>
/// What the <c>rk dlq</c> commands share: the connection from the flags and <c>--config</c>, and how a failure is
/// reported (stderr, plus a JSON document on stdout with <c>--json</c>), every line through the secret redactor.
/// </summary>
internal abstract class DlqCommand<TSettings>(IAnsiConsole console, StandardError standardError) : AsyncCommand<TSettings>
    where TSettings : DlqSettings
{
    /// <summary>Standard output: tables, summaries and JSON documents.</summary>
    protected IAnsiConsole Console { get; } = console;

    /// <summary>Standard error: why a command did not do what was asked.</summary>
    protected StandardError StandardError { get; } = standardError;

    /// <summary>The subcommand's name, for messages: list, show or replay.</summary>
    protected abstract string Name { get; }

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        var redactor = new SecretRedactor([]);
        try
        {
            var connection = Connect(settings);
            redactor = connection.Redactor;
            var store = new DeadLetterStore(connection, settings.Topic, settings.Spill is null ? null : Path.GetFullPath(settings.Spill));
            return await RunAsync(store, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (DlqException e)
        {
            return Fail(settings, redactor, e.Message, e.ExitCode);
        }
        catch (ReliableKafkaConfigurationException e)
        {
            return Fail(settings, redactor, $"--config: {e.Message}", DlqExitCodes.BadInput);
        }
    }

    protected abstract Task<int> RunAsync(DeadLetterStore store, TSettings settings, CancellationToken cancellationToken);

    /// <summary>A table cell: plain text (no markup), secrets masked.</summary>
    protected static Text Cell(SecretRedactor redactor, string? text) => new(redactor.Redact(text));

    private int Fail(TSettings settings, SecretRedactor redactor, string message, int exitCode)
    {
        message = redactor.Redact(message);
        if (settings.Json)
        {
            Console.WriteRaw(ReportJson.Serialize(new DlqErrorDocument(exitCode, new DlqErrorMessage(message))));
        }

        StandardError.WriteLine($"rk dlq {Name}: {message}");
        return exitCode;
    }

    private static DlqConnection Connect(DlqSettings settings)
    {
        IReadOnlyList<KeyValuePair<string, string?>> values = [];
        var secrets = new List<KeyValuePair<string, string>>();
        var bootstrap = string.IsNullOrWhiteSpace(settings.BootstrapServers) ? null : settings.BootstrapServers;
        if (settings.Config is not null)
        {
            ProducerConfigFile file;
            try
            {
                file = ConfigFileReader.Read(settings.Config, section: null);
            }
            catch (ConfigReadException e)
            {
                throw new DlqException($"--config {e.Message}", DlqExitCodes.BadInput);
            }

            if (file.Options is { } options)
            {
                values = [.. options.Settings];
                bootstrap ??= options.BootstrapServers;
            }
            else
            {
                values = file.Settings;
                bootstrap ??= file.Settings.LastOrDefault(static s => string.Equals(s.Key, "bootstrap.servers", StringComparison.OrdinalIgnoreCase)).Value;
            }

            secrets.AddRange(file.Values);
        }

        if (string.IsNullOrWhiteSpace(bootstrap))
        {
            throw new DlqException($"--bootstrap-servers is required: --config {settings.Config} has no bootstrap.servers.", DlqExitCodes.BadInput);
        }

        secrets.AddRange(values.Where(static v => v.Value is not null).Select(static v => new KeyValuePair<string, string>(v.Key, v.Value!)));
        return new DlqConnection(bootstrap, values, TimeSpan.FromMilliseconds(settings.TimeoutMs), new SecretRedactor(secrets));
    }
}
