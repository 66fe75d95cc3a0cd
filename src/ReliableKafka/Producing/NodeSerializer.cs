using Confluent.Kafka;

namespace ReliableKafka.Producing;

/// <summary>Serializes a <see cref="PendingDelivery"/> as its key or value bytes.</summary>
internal sealed class NodeSerializer : ISerializer<PendingDelivery>
{
    public static readonly NodeSerializer Keys = new(key: true);
    public static readonly NodeSerializer Values = new(key: false);

    private readonly bool _key;

    private NodeSerializer(bool key) => _key = key;

    public byte[]? Serialize(PendingDelivery data, SerializationContext context) => _key ? data.KeyBytes : data.ValueBytes;
}
