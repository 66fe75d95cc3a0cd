using System.Buffers.Binary;
using System.Numerics;

namespace ReliableKafka.Simulator.Protocol;

/// <summary>CRC-32C (Castagnoli), as record batches use it; hardware accelerated through <see cref="BitOperations"/>.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
