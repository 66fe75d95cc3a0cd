namespace ReliableKafka.Cli.Dlq;

/// <summary>What stops an <c>rk dlq</c> command, with the exit code it ends with; the message names the flag or the cluster.</summary>
internal sealed class DlqException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
