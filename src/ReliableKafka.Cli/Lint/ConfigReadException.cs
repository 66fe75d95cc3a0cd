namespace ReliableKafka.Cli.Lint;

/// <summary>
/// A configuration file that cannot be read: missing, not valid .properties or JSON, or without producer settings.
/// Its message never quotes the file's content, so it cannot leak a secret.
/// </summary>
internal sealed class ConfigReadException(string message, int? line = null, int? position = null) : Exception(message)
{
    /// <summary>The 1-based line of the problem, when it has one.</summary>
    public int? Line { get; } = line;

    /// <summary>The 1-based position (column) in <see cref="Line"/>, when it has one.</summary>
    public int? Position { get; } = position;
}
