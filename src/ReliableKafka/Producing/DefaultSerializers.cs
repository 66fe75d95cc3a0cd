using Confluent.Kafka;

namespace ReliableKafka.Producing;

/// <summary>Confluent.Kafka's built-in serializers, by type.</summary>
internal static class DefaultSerializers
{
    public static ISerializer<T> For<T>()
    {
        object? serializer = typeof(T) == typeof(string) ? Serializers.Utf8
            : typeof(T) == typeof(byte[]) ? Serializers.ByteArray
            : typeof(T) == typeof(Null) ? Serializers.Null
            : typeof(T) == typeof(int) ? Serializers.Int32
            : typeof(T) == typeof(long) ? Serializers.Int64
            : typeof(T) == typeof(float) ? Serializers.Single
            : typeof(T) == typeof(double) ? Serializers.Double
            : null;
        return serializer as ISerializer<T>
            ?? throw new ArgumentException(
                $"There is no default serializer for {typeof(T).Name}. Pass one to the ReliableProducer constructor (keySerializer or valueSerializer), or use string, byte[], int, long, float, double or Null.");
    }
}
