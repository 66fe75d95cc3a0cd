namespace ReliableKafka.Simulator.Cluster;

/// <summary>A Kafka API the simulated brokers serve, and the versions of it they accept (what ApiVersions answers).</summary>
/// <param name="Key">The API key of the Kafka protocol (0 for Produce, 18 for ApiVersions, ...).</param>
/// <param name="Name">The API's name as the Kafka protocol spells it, for example "Produce".</param>
/// <param name="MinVersion">The lowest version accepted, inclusive.</param>
/// <param name="MaxVersion">The highest version accepted, inclusive.</param>
public sealed record SupportedApi(short Key, string Name, short MinVersion, short MaxVersion);
