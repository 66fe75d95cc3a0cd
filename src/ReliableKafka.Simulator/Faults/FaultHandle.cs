using System.Text.Json.Serialization;

namespace ReliableKafka.Simulator.Faults;

/// <summary>
/// One fault in force. Counted faults (dropped responses, injected errors) end by themselves when used up; the others
/// last until <see cref="Remove"/> (or <see cref="BrokerFaults.Clear"/>). Thread-safe.
/// </summary>
public sealed class FaultHandle
{
    private static int _next;
    private readonly Action<FaultHandle> _remove;
    private int _remaining;
    private int _removed;

    internal FaultHandle(string kind, int broker, string description, int? count, Action<FaultHandle> remove)
    {
        Id = $"{kind}-{Interlocked.Increment(ref _next)}";
        Kind = kind;
        Broker = broker;
        Description = description;
        IsCounted = count.HasValue;
        _remaining = count ?? 0;
        _remove = remove;
    }

    /// <summary>A handle for an action that took effect at once (a crash, restart, shutdown or leader move): never active.</summary>
    internal static FaultHandle Completed(string kind, int broker, string description)
    {
        var handle = new FaultHandle(kind, broker, description, null, static _ => { });
        handle._removed = 1;
        return handle;
    }

    /// <summary>A cluster-unique id, such as "delay-4".</summary>
    public string Id { get; }

    /// <summary>The fault kind, one of <see cref="Control.FaultKinds"/>.</summary>
    public string Kind { get; }

    /// <summary>The broker it applies to.</summary>
    public int Broker { get; }

    /// <summary>What it does, in words.</summary>
    public string Description { get; }

    /// <summary>For counted faults, how many requests it still hits (0 once removed); null for the others.</summary>
    public int? Remaining => !IsCounted ? null : Volatile.Read(ref _removed) != 0 ? 0 : Math.Max(0, Volatile.Read(ref _remaining));

    /// <summary>False once removed or used up.</summary>
    public bool IsActive => Volatile.Read(ref _removed) == 0 && (!IsCounted || Volatile.Read(ref _remaining) > 0);

    internal bool IsCounted { get; }

    /// <summary>Ends the fault now (a paused broker resumes, a cut network heals). Removing twice does nothing.</summary>
    public void Remove()
    {
        if (Interlocked.Exchange(ref _removed, 1) == 0)
        {
            _remove(this);
        }
    }

    /// <summary>Takes one use of a counted fault; false when none is left. The last use removes it.</summary>
    internal bool TryTake()
    {
        while (true)
        {
            var left = Volatile.Read(ref _remaining);
            if (left <= 0 || Volatile.Read(ref _removed) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _remaining, left - 1, left) == left)
            {
                if (left == 1)
                {
                    Remove();
                }

                return true;
            }
        }
    }
}

/// <summary>How a network cut treats a client's connections to the broker (JSON "blackhole" or "reset").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NetworkCutMode>))]
public enum NetworkCutMode
{
    /// <summary>Requests are read and never answered, as when packets are dropped; connections stay open.</summary>
    [JsonStringEnumMemberName("blackhole")]
    Blackhole,

    /// <summary>Connections are reset, at once and on every new request, as when a firewall rejects them.</summary>
    [JsonStringEnumMemberName("reset")]
    Reset,
}
