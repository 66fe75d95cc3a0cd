using Confluent.Kafka;

namespace ReliableKafka.Simulator.Tests.Hostile;

/// <summary>
/// A well-behaved Confluent.Kafka producer (acks=all, idempotent) and consumer on their own topic, running in the
/// background: every produce must be persisted without an error, and the consumer must read each record once.
/// </summary>
internal sealed class NormalClient : IAsyncDisposable
{
    private readonly IProducer<string, string> _producer;
    private readonly IConsumer<string, string> _consumer;
    private readonly string _topic;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _errors = [];
    private readonly HashSet<string> _acknowledged = [];
    private readonly HashSet<string> _consumed = [];
    private readonly Lock _gate = new();
    private Task _producing = Task.CompletedTask;
    private Task _consuming = Task.CompletedTask;
    private volatile bool _consumerDone;

    public NormalClient(string bootstrapServers, string topic)
    {
        _topic = topic;
        _producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 2,
            MessageTimeoutMs = 30_000,
        }).SetErrorHandler((_, e) => Record($"producer error: {e.Code} {e.Reason}")).SetLogHandler((_, _) => { }).Build();
        _consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"{topic}-reader",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetErrorHandler((_, e) => Record($"consumer error: {e.Code} {e.Reason}")).SetLogHandler((_, _) => { }).Build();
    }

    public int Acknowledged
    {
        get
        {
            lock (_gate)
            {
                return _acknowledged.Count;
            }
        }
    }

    public int Consumed
    {
        get
        {
            lock (_gate)
            {
                return _consumed.Count;
            }
        }
    }

    /// <summary>Starts producing one record at a time and consuming, until stopped.</summary>
    public void Start()
    {
        _consumer.Assign(new TopicPartitionOffset(_topic, 0, Offset.Beginning));
        _producing = Task.Run(ProduceAsync);
        _consuming = Task.Factory.StartNew(Consume, TaskCreationOptions.LongRunning);
    }

    /// <summary>Stops producing, waits until the consumer has read every acknowledged record, and asserts no error was seen.</summary>
    public async Task StopAndVerifyAsync(string context)
    {
        await _stop.CancelAsync();
        await _producing;
        await ReliableKafka.Testing.Eventually.WaitUntilAsync(() => Consumed >= Acknowledged, TimeSpan.FromSeconds(20), "the consumer reading every acknowledged record", () => $"{Consumed} of {Acknowledged}. {context}");
        _consumerDone = true;
        await _consuming;
        lock (_gate)
        {
            Assert.True(_errors.Count == 0, $"the normal client saw errors: {string.Join("; ", _errors)}. {context}");
            Assert.True(_acknowledged.Count > 0, $"nothing was acknowledged. {context}");
            Assert.True(_acknowledged.SetEquals(_consumed), $"acknowledged and consumed differ. {context}");
        }
    }

    private async Task ProduceAsync()
    {
        var i = 0;
        while (!_stop.IsCancellationRequested)
        {
            var value = $"record-{i++}";
            try
            {
                var result = await _producer.ProduceAsync(_topic, new Message<string, string> { Key = "k", Value = value });
                if (result.Status != PersistenceStatus.Persisted)
                {
                    Record($"{value} not persisted: {result.Status}");
                }

                lock (_gate)
                {
                    _acknowledged.Add(value);
                }
            }
            catch (ProduceException<string, string> e)
            {
                Record($"{value} failed: {e.Error.Code} {e.Error.Reason}");
            }
        }
    }

    private void Consume()
    {
        while (!_consumerDone)
        {
            if (_consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false, Message: { } message })
            {
                lock (_gate)
                {
                    if (!_consumed.Add(message.Value))
                    {
                        _errors.Add($"{message.Value} consumed twice");
                    }
                }
            }
        }
    }

    private void Record(string error)
    {
        lock (_gate)
        {
            _errors.Add(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _consumerDone = true;
        await _stop.CancelAsync();
        await Task.WhenAll(_producing, _consuming).ContinueWith(static _ => { }, TaskScheduler.Default);
        _producer.Dispose();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }
}
