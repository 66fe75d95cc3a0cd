namespace ReliableKafka.Cli.Lint;

/// <summary>How a configuration file was read.</summary>
internal enum ConfigFormat
{
    /// <summary>Java-style key=value lines.</summary>
    Properties,

    /// <summary>A JSON object of property names and values (at the root or in a section).</summary>
    Json,

    /// <summary>A JSON section in the shape ReliableKafka binds ("BootstrapServers", "Settings", "Profiles").</summary>
    ReliableKafkaOptions,
}
