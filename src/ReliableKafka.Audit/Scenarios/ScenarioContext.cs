using System.Diagnostics;
using System.Globalization;

namespace ReliableKafka.Audit.Scenarios;

/// <summary>What a fault schedule works with: the faults, the topic, the clock, and the run's timeline.</summary>
internal sealed class ScenarioContext(
    IClusterFaults faults,
    string topic,
    int partitions,
    string clientId,
    TimeSpan deliveryTimeout,
    TimeSpan recoveryTimeout,
    Action sendOversized,
    Action<string> progress,
    CancellationToken cancellationToken)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<TimelineEntry> _timeline = [];

    public IClusterFaults Faults { get; } = faults;

    public string Topic { get; } = topic;

    public int Partitions { get; } = partitions;

    /// <summary>The producer's client.id, so a network cut can single it out.</summary>
    public string ClientId { get; } = clientId;

    /// <summary>The producer's effective delivery timeout (message.timeout.ms).</summary>
    public TimeSpan DeliveryTimeout { get; } = deliveryTimeout;

    /// <summary>How long to wait for brokers to come back and replicas to catch up.</summary>
    public TimeSpan RecoveryTimeout { get; } = recoveryTimeout;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>The cluster's bootstrap.servers, for scenarios that start a client of their own.</summary>
    public string BootstrapServers { get; init; } = string.Empty;

    /// <summary>The run's transactional.id when its configuration is transactional; null otherwise.</summary>
    public string? TransactionalId { get; init; }

    public IReadOnlyList<TimelineEntry> Timeline
    {
        get
        {
            lock (_timeline)
            {
                return [.. _timeline];
            }
        }
    }

    /// <summary>Sends one message larger than the topic accepts, through the run's producer.</summary>
    public void SendOversized() => sendOversized();

    /// <summary>Records a step in the timeline.</summary>
    public void Note(string action)
    {
        lock (_timeline)
        {
            _timeline.Add(new TimelineEntry(Math.Round(_clock.Elapsed.TotalMilliseconds, 1), action));
        }

        progress(action);
    }

    public Task DelayAsync(TimeSpan delay) => Task.Delay(delay, CancellationToken);

    public Task<PartitionLayout> DescribeAsync(int partition) => Faults.DescribePartitionAsync(Topic, partition, CancellationToken);

    /// <summary>Polls until <paramref name="condition"/> holds; notes it and returns false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (await condition().ConfigureAwait(false))
            {
                return true;
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                Note(string.Create(CultureInfo.InvariantCulture, $"gave up waiting after {timeout.TotalSeconds:0.#} s for {what}"));
                return false;
            }

            await Task.Delay(50, CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until every partition has a leader and all its replicas in sync.</summary>
    public Task<bool> WaitForFullIsrAsync() => WaitUntilAsync(
        async () =>
        {
            for (var p = 0; p < Partitions; p++)
            {
                var layout = await DescribeAsync(p).ConfigureAwait(false);
                if (layout.Leader < 0 || layout.Isr.Count < layout.Replicas.Count)
                {
                    return false;
                }
            }

            return true;
        },
        RecoveryTimeout,
        "every replica to be back in sync");
}
