using Confluent.Kafka;

namespace ReliableKafka.Producing;

/// <summary>
/// One message handed to librdkafka: what is needed to report its outcome, dead-letter it, or give it back.
/// It is itself the Confluent.Kafka message (its own key and value, serialized by <see cref="NodeSerializer"/>),
/// so the delivery report leads straight back to it without a delegate or a message object per publish.
/// </summary>
internal abstract class PendingDelivery : Message<PendingDelivery, PendingDelivery>
{
    internal PendingRegistry.Segment? Segment;
    internal int Slot;
    internal int Claimed;

    protected PendingDelivery()
    {
        Key = this;
        Value = this;
    }

    public string Topic { get; set; } = "";

    public byte[]? KeyBytes { get; set; }

    public byte[]? ValueBytes { get; set; }

    public long StartedAt { get; set; }

    /// <summary>The message's producer span, while someone listens to the library's activity source.</summary>
    public System.Diagnostics.Activity? Activity { get; set; }

    /// <summary>The instance the message was handed to.</summary>
    public ProducerInstance? Instance { get; set; }

    /// <summary>The message as the dead-letter producer takes it.</summary>
    public Message<byte[]?, byte[]?> ToBytesMessage() => new() { Key = KeyBytes, Value = ValueBytes, Headers = Headers };

    /// <summary>Hands the outcome to whoever waits for it, then lets go of the message. Called exactly once.</summary>
    public void Complete(in DeliveryOutcome outcome)
    {
        KeyBytes = null;
        ValueBytes = null;
        Headers = null;
        Deliver(outcome);
    }

    /// <summary>Hands the outcome over.</summary>
    protected abstract void Deliver(in DeliveryOutcome outcome);
}
