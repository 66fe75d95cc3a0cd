using System.Text;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// Which broker coordinates a group. Each key has a preferred broker (a stable hash over all broker ids, like
/// Kafka's __consumer_offsets partition); while that broker is down, the key moves to a live broker chosen by the
/// same hash, so a crash moves only the groups of the crashed broker.
/// </summary>
internal static class CoordinatorPlacement
{
    /// <summary>The coordinator's broker id, or -1 when no broker is up.</summary>
    public static int CoordinatorFor(string key, IReadOnlyList<int> brokerIds, Func<int, bool> isUp)
    {
        if (brokerIds.Count == 0)
        {
            return -1;
        }

        var hash = StableHash(key);
        var preferred = brokerIds[(int)(hash % (uint)brokerIds.Count)];
        if (isUp(preferred))
        {
            return preferred;
        }

        var live = brokerIds.Where(isUp).ToList();
        return live.Count == 0 ? -1 : live[(int)(hash % (uint)live.Count)];
    }

    /// <summary>32-bit FNV-1a over the key's UTF-8 bytes: the same on every run and platform, unlike string.GetHashCode.</summary>
    internal static uint StableHash(string key)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
