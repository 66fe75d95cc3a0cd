using Confluent.Kafka;
using ReliableKafka.Telemetry;

namespace ReliableKafka.Producing;

/// <summary>One librdkafka client behind a <see cref="ReliableProducer{TKey, TValue}"/>; replaced after a fatal error.</summary>
internal sealed class ProducerInstance(int number)
{
    private Error? _fatalError;

    public int Number { get; } = number;

    public IProducer<PendingDelivery, PendingDelivery> Client { get; set; } = null!;

    public PendingRegistry Pending { get; } = new();

    public ClientStatistics? Statistics { get; set; }

    /// <summary>The fatal error that ended this instance, or null while it is healthy.</summary>
    public Error? FatalError
    {
        get => Volatile.Read(ref _fatalError);
        set => Volatile.Write(ref _fatalError, value);
    }
}
