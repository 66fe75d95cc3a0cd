using System.Buffers.Binary;

namespace ReliableKafka.Benchmarks;

/// <summary>The messages every variant sends: 8-byte keys cycling over a fixed set, one 100-byte random value.</summary>
internal sealed class Workload
{
    public const int KeyCount = 1024;
    public const int ValueSize = 100;

    private Workload(byte[][] keys, byte[] value)
    {
        Keys = keys;
        Value = value;
    }

    /// <summary>The keys; message i uses <c>Keys[i &amp; (KeyCount - 1)]</c>.</summary>
    public byte[][] Keys { get; }

    /// <summary>The value every message carries.</summary>
    public byte[] Value { get; }

    public static Workload Create(int seed)
    {
        var keys = new byte[KeyCount][];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(keys[i], 0x5EED_0000_0000L + i);
        }

        var value = new byte[ValueSize];
        new Random(seed).NextBytes(value);
        return new Workload(keys, value);
    }

    public byte[] Key(int i) => Keys[i & (KeyCount - 1)];
}
