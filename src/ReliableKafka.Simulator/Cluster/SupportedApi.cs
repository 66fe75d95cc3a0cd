using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>A Kafka API the simulated brokers serve, and the versions of it they accept (what ApiVersions answers).</summary>
/// <param name="Key">The API (<see cref="ApiKey.Produce"/> is key 0, <see cref="ApiKey.ApiVersions"/> key 18, ...).</param>
/// <param name="MinVersion">The lowest version accepted, inclusive.</param>
/// <param name="MaxVersion">The highest version accepted, inclusive.</param>
public sealed record SupportedApi(ApiKey Key, short MinVersion, short MaxVersion)
{
    /// <summary>The API's name as the Kafka protocol spells it, for example "Produce".</summary>
    public string Name => Key.ToString();
}
