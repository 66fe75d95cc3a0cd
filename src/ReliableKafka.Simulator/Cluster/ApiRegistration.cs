using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>Answers one request: returns the whole response frame (the caller disposes it), or null when none is sent.</summary>
internal delegate ValueTask<KafkaWriter?> ApiHandler(RequestHandler handler, BrokerNode broker, RequestHeader header, KafkaReader body, CancellationToken token);

/// <summary>
/// One API the broker serves: its key, the versions it accepts (stated once, beside the handler) and the handler.
/// <see cref="ApiRegistry"/> collects them; the ApiVersions answer, the tests and the documentation read them there.
/// </summary>
internal sealed record ApiRegistration(ApiKey Key, short MinVersion, short MaxVersion, ApiHandler Handle)
{
    public ApiVersionRange Range => new(Key, MinVersion, MaxVersion);

    public bool Accepts(short version) => Range.Contains(version);
}
