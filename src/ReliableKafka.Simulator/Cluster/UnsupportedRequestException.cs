using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>A request for an API, or a version of it, that <see cref="ApiRegistry"/> does not serve: Kafka closes the connection.</summary>
internal sealed class UnsupportedRequestException(ApiKey apiKey, short apiVersion)
    : KafkaProtocolException($"{apiKey} v{apiVersion} is not supported by this broker.")
{
    public ApiKey ApiKey { get; } = apiKey;

    public short ApiVersion { get; } = apiVersion;
}
