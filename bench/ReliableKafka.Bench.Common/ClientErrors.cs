using Confluent.Kafka;

namespace ReliableKafka.Bench.Common;

/// <summary>Counts the errors a client reports during a run (its logs are silenced), keeping the last one.</summary>
public sealed class ClientErrors
{
    private int _count;
    private string? _last;

    /// <summary>How many errors were reported.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The last one, as "code: reason".</summary>
    public string? Last => Volatile.Read(ref _last);

    /// <summary>Records one error.</summary>
    public void Add(Error error)
    {
        Interlocked.Increment(ref _count);
        Volatile.Write(ref _last, $"{error.Code}: {error.Reason}");
    }
}
