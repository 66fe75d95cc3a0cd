using Confluent.Kafka;

namespace ReliableKafka.Simulator.Benchmarks;

/// <summary>Builds the Confluent clients of a run; librdkafka's log is silenced, its errors are counted.</summary>
internal static class Clients
{
    public static IProducer<byte[], byte[]> Producer(ProducerConfig config, ClientErrors errors) =>
        new ProducerBuilder<byte[], byte[]>(config)
            .SetKeySerializer(Serializers.ByteArray)
            .SetValueSerializer(Serializers.ByteArray)
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler((_, error) => errors.Add(error))
            .Build();

    public static IConsumer<byte[], byte[]> Consumer(ConsumerConfig config, ClientErrors errors) =>
        new ConsumerBuilder<byte[], byte[]>(config)
            .SetKeyDeserializer(Deserializers.ByteArray)
            .SetValueDeserializer(Deserializers.ByteArray)
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler((_, error) => errors.Add(error))
            .Build();
}

/// <summary>
/// Counts the delivery reports of one produce run through one cached handler, remembers when the last one arrived,
/// and lets the producing loop keep a bounded number of messages unreported.
/// </summary>
internal sealed class DeliveryCounter : IDisposable
{
    private readonly long _target;
    private readonly ManualResetEventSlim _done = new(false);
    private long _completed;
    private long _failed;
    private long _lastReportAt;
    private string? _firstError;

    public DeliveryCounter(long target)
    {
        _target = target;
        Handler = OnReport;
    }

    /// <summary>The one handler every <c>Produce</c> call of the run passes.</summary>
    public Action<DeliveryReport<byte[], byte[]>> Handler { get; }

    public long Completed => Volatile.Read(ref _completed);

    public long Failed => Volatile.Read(ref _failed);

    /// <summary>Stopwatch timestamp of the last report.</summary>
    public long LastReportAt => Volatile.Read(ref _lastReportAt);

    public string? FirstError => Volatile.Read(ref _firstError);

    /// <summary>Blocks while <paramref name="window"/> or more of the <paramref name="handedOver"/> messages are unreported.</summary>
    public void WaitForRoom(long handedOver, int window)
    {
        while (handedOver - Completed >= window)
        {
            Thread.Sleep(1);
        }
    }

    /// <summary>Counts a message that never reached the producer's queue.</summary>
    public void RecordRejected(Error error) => Record(error);

    /// <summary>Waits for the last report.</summary>
    /// <exception cref="TimeoutException">Not every message was reported in time.</exception>
    public void Wait(TimeSpan timeout)
    {
        if (!_done.Wait(timeout))
        {
            throw new TimeoutException($"Only {Completed:N0} of {_target:N0} messages were reported within {timeout.TotalSeconds:0} s.");
        }
    }

    public void Dispose() => _done.Dispose();

    private void OnReport(DeliveryReport<byte[], byte[]> report) => Record(report.Error);

    private void Record(Error error)
    {
        if (error.Code != ErrorCode.NoError)
        {
            Interlocked.Increment(ref _failed);
            Interlocked.CompareExchange(ref _firstError, $"{error.Code}: {error.Reason}", null);
        }

        if (Interlocked.Increment(ref _completed) == _target)
        {
            Volatile.Write(ref _lastReportAt, System.Diagnostics.Stopwatch.GetTimestamp());
            _done.Set();
        }
    }
}
