using Confluent.Kafka;

namespace ReliableKafka.Audit.Workload;

/// <summary>A Confluent.Kafka producer built from exactly the configuration under test.</summary>
internal sealed class RawAuditProducer : IAuditProducer
{
    private readonly IProducer<string, string> _producer;
    private readonly DeliveryRecorder _recorder;

    public RawAuditProducer(IReadOnlyDictionary<string, string> settings, DeliveryRecorder recorder)
    {
        _recorder = recorder;
        _producer = new ProducerBuilder<string, string>(new ProducerConfig(settings.ToDictionary()))
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler(static (_, _) => { })
            .Build();
    }

    public void Send(string topic, string key, string value, long sequence)
    {
        _recorder.Sending(sequence, key);
        try
        {
            _producer.Produce(topic, new Message<string, string> { Key = key, Value = value }, report =>
                _recorder.Report(sequence, report.Error.Code, report.Status, report.Partition.Value, report.Offset.Value));
        }
        catch (KafkaException e)
        {
            // Refused before it reached the client's queue (queue full, fatal error): never sent.
            _recorder.Report(sequence, e.Error.Code, PersistenceStatus.NotPersisted, -1, -1);
        }
    }

    public void Flush(TimeSpan timeout) => _producer.Flush(timeout);

    public void Dispose() => _producer.Dispose();
}
