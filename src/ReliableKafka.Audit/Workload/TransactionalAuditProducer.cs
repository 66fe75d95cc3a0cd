using Confluent.Kafka;

namespace ReliableKafka.Audit.Workload;

/// <summary>One transaction of a transactional run: its sequences and whether its commit was acknowledged.</summary>
/// <param name="Number">Its number in the run, from 1.</param>
/// <param name="Sequences">The messages it wrote.</param>
/// <param name="Outcome">What the producer was told.</param>
internal sealed record AuditTransaction(long Number, IReadOnlyList<long> Sequences, AuditTransactionOutcome Outcome);

/// <summary>What a transactional producer was told of a transaction.</summary>
internal enum AuditTransactionOutcome
{
    /// <summary>CommitTransaction returned: every message of it must be visible to read_committed consumers.</summary>
    Committed,

    /// <summary>AbortTransaction returned: none may be visible.</summary>
    Aborted,

    /// <summary>The producer failed (fenced, a fatal error, a commit that timed out) before it learned: all or none.</summary>
    Unknown,
}

/// <summary>
/// A transactional Confluent.Kafka producer built from the configuration under test: the messages go out in
/// transactions of <see cref="TransactionSize"/>, and a message is acknowledged only when its transaction commits (a
/// delivery report inside a transaction says nothing to a read_committed consumer). librdkafka's rules decide what each
/// transaction's messages are reported as: committed, aborted (an abortable error, aborted: not persisted), or unknown
/// (a fatal error such as being fenced, or a commit that stayed retriable: possibly persisted), after which a new
/// instance takes over the transactional.id.
/// </summary>
internal sealed class TransactionalAuditProducer : IAuditProducer
{
    /// <summary>Messages per transaction.</summary>
    public const int TransactionSize = 10;

    private readonly Lock _gate = new();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly DeliveryRecorder _recorder;
    private readonly TimeSpan _timeout;
    private readonly List<AuditTransaction> _transactions = [];
    private readonly Dictionary<long, (int Partition, long Offset)> _delivered = [];
    private readonly List<long> _open = [];
    private IProducer<string, string>? _producer;
    private long _number;

    public TransactionalAuditProducer(IReadOnlyDictionary<string, string> settings, DeliveryRecorder recorder, TimeSpan timeout)
    {
        _settings = settings;
        _recorder = recorder;
        _timeout = timeout;
        _producer = Start();
    }

    /// <summary>Every transaction so far, with its outcome.</summary>
    public IReadOnlyList<AuditTransaction> Transactions
    {
        get
        {
            lock (_gate)
            {
                return [.. _transactions];
            }
        }
    }

    /// <summary>Instances that replaced a failed one (each fences the one before).</summary>
    public int Replacements { get; private set; }

    public void Send(string topic, string key, string value, long sequence)
    {
        lock (_gate)
        {
            _recorder.Sending(sequence, key);
            try
            {
                _producer ??= Start();
                if (_open.Count == 0)
                {
                    _producer.BeginTransaction();
                }

                _open.Add(sequence);
                _producer.Produce(topic, new Message<string, string> { Key = key, Value = value }, report =>
                {
                    lock (_delivered)
                    {
                        _delivered[sequence] = (report.Partition.Value, report.Offset.Value);
                    }
                });
            }
            catch (KafkaException e)
            {
                // Refused before the client took it (fenced, queue full, not initialised): the transaction cannot hold it.
                _open.Remove(sequence);
                _recorder.Report(sequence, e.Error.Code, PersistenceStatus.NotPersisted, -1, -1);
                if (e.Error.IsFatal)
                {
                    End(AuditTransactionOutcome.Unknown, e.Error.Code, PersistenceStatus.PossiblyPersisted);
                    Replace();
                }

                return;
            }

            if (_open.Count >= TransactionSize)
            {
                Commit();
            }
        }
    }

    /// <summary>Commits the open transaction, so that every message sent gets its report.</summary>
    public void Flush(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_open.Count > 0)
            {
                Commit();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_open.Count > 0)
            {
                Commit();
            }

            _producer?.Dispose();
            _producer = null;
        }
    }

    private IProducer<string, string> Start()
    {
        var producer = new ProducerBuilder<string, string>(new ProducerConfig(_settings.ToDictionary()))
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler(static (_, _) => { })
            .Build();
        try
        {
            producer.InitTransactions(_timeout);
            return producer;
        }
        catch
        {
            producer.Dispose();
            throw;
        }
    }

    private void Commit()
    {
        var producer = _producer!;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    producer.CommitTransaction(_timeout);
                    End(AuditTransactionOutcome.Committed, ErrorCode.NoError, PersistenceStatus.Persisted);
                    return;
                }
                catch (KafkaRetriableException) when (attempt < 3)
                {
                    // librdkafka: a retriable commit may be retried; the outcome is still open.
                }
            }
        }
        catch (KafkaTxnRequiresAbortException e)
        {
            try
            {
                producer.AbortTransaction(_timeout);
                End(AuditTransactionOutcome.Aborted, e.Error.Code, PersistenceStatus.NotPersisted);
            }
            catch (KafkaException)
            {
                End(AuditTransactionOutcome.Unknown, e.Error.Code, PersistenceStatus.PossiblyPersisted);
                Replace();
            }
        }
        catch (KafkaException e)
        {
            End(AuditTransactionOutcome.Unknown, e.Error.Code, PersistenceStatus.PossiblyPersisted);
            Replace();
        }
    }

    /// <summary>Reports every message of the open transaction and closes it.</summary>
    private void End(AuditTransactionOutcome outcome, ErrorCode error, PersistenceStatus persistence)
    {
        _transactions.Add(new AuditTransaction(++_number, [.. _open], outcome));
        foreach (var sequence in _open)
        {
            (int Partition, long Offset) at;
            lock (_delivered)
            {
                at = _delivered.Remove(sequence, out var delivered) ? delivered : (-1, -1);
            }

            _recorder.Report(sequence, error, persistence, at.Partition, outcome == AuditTransactionOutcome.Committed ? at.Offset : -1);
        }

        _open.Clear();
    }

    /// <summary>Disposes a failed instance; the next send starts a new one, whose InitTransactions fences it and aborts what it left open.</summary>
    private void Replace()
    {
        _producer?.Dispose();
        _producer = null;
        Replacements++;
    }
}
