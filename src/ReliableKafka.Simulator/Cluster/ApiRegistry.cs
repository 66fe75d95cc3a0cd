using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// The Kafka APIs the simulated brokers serve and the versions of each, as registered beside their handlers
/// (<c>RequestHandler.*.cs</c>). Every broker answers ApiVersions from this list and refuses what is not in it.
/// </summary>
public static class ApiRegistry
{
    private static readonly FrozenDictionary<ApiKey, ApiRegistration> ByKey =
        RequestHandler.Registrations.ToFrozenDictionary(static r => r.Key);

    /// <summary>Every API served, by API key.</summary>
    public static IReadOnlyList<SupportedApi> Apis { get; } =
        [.. ByKey.Values.OrderBy(static r => r.Key).Select(static r => new SupportedApi(r.Key, r.MinVersion, r.MaxVersion))];

    /// <summary>The served version ranges, by API key: what ApiVersions advertises.</summary>
    internal static IReadOnlyList<ApiVersionRange> Ranges { get; } = [.. ByKey.Values.OrderBy(static r => r.Key).Select(static r => r.Range)];

    /// <summary>Every registration, by API key.</summary>
    internal static IReadOnlyCollection<ApiRegistration> Registrations => ByKey.Values;

    /// <summary>The registration of <paramref name="key"/>, when the broker serves that API.</summary>
    internal static bool TryFind(ApiKey key, [NotNullWhen(true)] out ApiRegistration? registration) => ByKey.TryGetValue(key, out registration);

    /// <summary>The served range of <paramref name="key"/>; throws when the API is not served.</summary>
    internal static ApiVersionRange RangeOf(ApiKey key) =>
        TryFind(key, out var registration) ? registration.Range : throw new ArgumentOutOfRangeException(nameof(key), key, "This API is not served.");
}
