using System.Diagnostics;
using Confluent.Kafka;

namespace ReliableKafka.Audit.Workload;

/// <summary>Every message sent and the client's one report for each. Thread-safe.</summary>
internal sealed class DeliveryRecorder
{
    private readonly Lock _gate = new();
    private readonly List<SentRecord> _sent = [];
    private readonly Dictionary<long, long> _startedAt = [];
    private readonly Dictionary<long, DeliveryRecord> _reports = [];
    private long _duplicateReports;

    /// <summary>Messages sent that have no report yet.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _sent.Count - _reports.Count;
            }
        }
    }

    /// <summary>Reports for a message that already had one (the client should never do that).</summary>
    public long DuplicateReports => Interlocked.Read(ref _duplicateReports);

    public IReadOnlyList<SentRecord> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public IReadOnlyList<DeliveryRecord> Reports
    {
        get
        {
            lock (_gate)
            {
                return [.. _reports.Values];
            }
        }
    }

    public void Sending(long sequence, string key)
    {
        lock (_gate)
        {
            _sent.Add(new SentRecord(sequence, key));
            _startedAt[sequence] = Stopwatch.GetTimestamp();
        }
    }

    public void Report(long sequence, ErrorCode error, PersistenceStatus persistence, int partition, long offset)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_reports.ContainsKey(sequence))
            {
                _duplicateReports++;
                return;
            }

            var latency = _startedAt.TryGetValue(sequence, out var started) ? Stopwatch.GetElapsedTime(started, now) : TimeSpan.Zero;
            _reports[sequence] = new DeliveryRecord(sequence, error, persistence, partition, offset, latency);
        }
    }
}
