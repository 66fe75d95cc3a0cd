namespace ReliableKafka.Cli.Lint;

/// <summary>A producer configuration read from a file by <see cref="ConfigFileReader"/>.</summary>
/// <param name="Path">The file.</param>
/// <param name="Format">How it was read.</param>
/// <param name="Section">The JSON section used (colon-separated, as written in the file), or null for the root or a .properties file.</param>
/// <param name="Settings">The librdkafka or Java property names and values, in file order; empty for <see cref="ConfigFormat.ReliableKafkaOptions"/>.</param>
/// <param name="Options">The section bound as ReliableKafka binds it, for <see cref="ConfigFormat.ReliableKafkaOptions"/>; otherwise null.</param>
/// <param name="Values">Every key and value read, for masking secrets in what is printed.</param>
internal sealed record ProducerConfigFile(
    string Path,
    ConfigFormat Format,
    string? Section,
    IReadOnlyList<KeyValuePair<string, string?>> Settings,
    ReliableKafkaOptions? Options,
    IReadOnlyList<KeyValuePair<string, string>> Values);
