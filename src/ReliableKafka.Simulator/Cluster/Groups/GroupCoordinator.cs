namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) and committed offsets, for the whole
/// cluster. The state lives here rather than in a broker, so when the coordinator broker crashes the next one
/// takes over with the same members and offsets (as Kafka does by reloading __consumer_offsets).
/// One lock guards everything; JoinGroup and SyncGroup answers are tasks completed when the rebalance gets there.
/// A one-shot timer, re-armed after every change, expires sessions and ends rebalances that ran out of time.
/// </summary>
internal sealed partial class GroupCoordinator : IDisposable
{
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(1);

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConsumerGroup> _groups = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private bool _disposed;

    public GroupCoordinator(TimeProvider time, GroupCoordinatorOptions? options = null)
    {
        _time = time;
        _origin = time.GetTimestamp();
        Options = options ?? new GroupCoordinatorOptions();
        _timer = time.CreateTimer(static state => ((GroupCoordinator)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public GroupCoordinatorOptions Options { get; }

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    internal GroupSnapshot? Describe(string groupId)
    {
        lock (_gate)
        {
            return _groups.GetValueOrDefault(groupId) is { } group
                ? new GroupSnapshot(group.Id, group.State, group.Generation, group.Protocol, group.LeaderId, [.. group.Members.Select(static m => m.Id)])
                : null;
        }
    }

    internal CommittedOffset? Committed(string groupId, string topic, int partition)
    {
        lock (_gate)
        {
            return _groups.GetValueOrDefault(groupId)?.Offsets.GetValueOrDefault((topic, partition));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private static TimeSpan Milliseconds(int value) => TimeSpan.FromMilliseconds(Math.Max(0, value));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private ConsumerGroup GetOrCreate(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            group = new ConsumerGroup(groupId);
            _groups[groupId] = group;
        }

        return group;
    }

    private static TaskCompletionSource<T> NewCompletion<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
