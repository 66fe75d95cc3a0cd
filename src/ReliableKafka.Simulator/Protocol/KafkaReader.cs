using System.Buffers.Binary;
using System.Text;

namespace ReliableKafka.Simulator.Protocol;

/// <summary>
/// Reads Kafka primitive types (big-endian) from a buffer. A mutable struct: pass it by <c>ref</c>.
/// Byte fields are returned as slices of the underlying memory, never copied.
/// Every malformed input raises <see cref="KafkaProtocolException"/> naming the field.
/// </summary>
internal struct KafkaReader
{
    /// <summary>The most elements a struct array is pre-sized for, whatever count the input announces.</summary>
    private const int InitialElementCapacity = 256;

    private readonly ReadOnlyMemory<byte> _buffer;
    private int _position;

    public KafkaReader(ReadOnlyMemory<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not yet consumed.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    public readonly bool IsAtEnd => _position >= _buffer.Length;

    /// <summary>The unread part of the buffer.</summary>
    public readonly ReadOnlyMemory<byte> RemainingMemory => _buffer[_position..];

    public sbyte ReadInt8(string field = "int8") => (sbyte)Take(1, field)[0];

    public short ReadInt16(string field = "int16") => BinaryPrimitives.ReadInt16BigEndian(Take(2, field));

    public int ReadInt32(string field = "int32") => BinaryPrimitives.ReadInt32BigEndian(Take(4, field));

    public long ReadInt64(string field = "int64") => BinaryPrimitives.ReadInt64BigEndian(Take(8, field));

    public uint ReadUInt32(string field = "uint32") => BinaryPrimitives.ReadUInt32BigEndian(Take(4, field));

    public double ReadFloat64(string field = "float64") => BinaryPrimitives.ReadDoubleBigEndian(Take(8, field));

    /// <summary>A boolean: any non-zero byte is true.</summary>
    public bool ReadBoolean(string field = "boolean") => Take(1, field)[0] != 0;

    /// <summary>A UUID, 16 bytes in network (big-endian) order, as Kafka writes it.</summary>
    public Guid ReadUuid(string field = "uuid") => new(Take(16, field), bigEndian: true);

    /// <summary>An unsigned LEB128 varint of at most 5 bytes, as used for compact lengths and tags.</summary>
    public uint ReadUnsignedVarint(string field = "unsigned varint")
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Take(1, field)[0];
            if (shift == 28 && b > 0x0F)
            {
                throw new KafkaProtocolException($"{field}: unsigned varint overflows 32 bits.");
            }

            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new KafkaProtocolException($"{field}: unsigned varint is longer than 5 bytes.");
    }

    /// <summary>A zigzag-encoded signed varint (32 bits), as used inside records.</summary>
    public int ReadVarint(string field = "varint")
    {
        var raw = ReadUnsignedVarint(field);
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    /// <summary>A zigzag-encoded signed varlong (64 bits), as used inside records.</summary>
    public long ReadVarlong(string field = "varlong")
    {
        ulong raw = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Take(1, field)[0];
            if (shift == 63 && b > 0x01)
            {
                throw new KafkaProtocolException($"{field}: varlong overflows 64 bits.");
            }

            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(raw >> 1) ^ -(long)(raw & 1);
            }
        }

        throw new KafkaProtocolException($"{field}: varlong is longer than 10 bytes.");
    }

    /// <summary>A string with an int16 length; null is not allowed.</summary>
    public string ReadString(string field = "string")
    {
        var length = ReadInt16(field);
        if (length < 0)
        {
            throw new KafkaProtocolException($"{field}: non-nullable string has length {length}.");
        }

        return Decode(Take(length, field));
    }

    /// <summary>A string with an int16 length, where -1 means null.</summary>
    public string? ReadNullableString(string field = "nullable string")
    {
        var length = ReadInt16(field);
        if (length == -1)
        {
            return null;
        }

        if (length < 0)
        {
            throw new KafkaProtocolException($"{field}: invalid string length {length}.");
        }

        return Decode(Take(length, field));
    }

    /// <summary>A compact string: unsigned varint length N+1; null is not allowed.</summary>
    public string ReadCompactString(string field = "compact string")
    {
        var length = ReadCompactLength(field);
        if (length < 0)
        {
            throw new KafkaProtocolException($"{field}: non-nullable compact string is null.");
        }

        return Decode(Take(length, field));
    }

    /// <summary>A compact string: unsigned varint length N+1, where 0 means null.</summary>
    public string? ReadCompactNullableString(string field = "compact nullable string")
    {
        var length = ReadCompactLength(field);
        return length < 0 ? null : Decode(Take(length, field));
    }

    /// <summary>Bytes with an int32 length; null is not allowed. Returns a slice of the buffer.</summary>
    public ReadOnlyMemory<byte> ReadBytes(string field = "bytes")
    {
        var length = ReadInt32(field);
        if (length < 0)
        {
            throw new KafkaProtocolException($"{field}: non-nullable bytes have length {length}.");
        }

        return TakeMemory(length, field);
    }

    /// <summary>Bytes with an int32 length, where -1 means null. Returns a slice of the buffer.</summary>
    public ReadOnlyMemory<byte>? ReadNullableBytes(string field = "nullable bytes")
    {
        var length = ReadInt32(field);
        if (length == -1)
        {
            return null;
        }

        if (length < 0)
        {
            throw new KafkaProtocolException($"{field}: invalid bytes length {length}.");
        }

        return TakeMemory(length, field);
    }

    /// <summary>Compact bytes (unsigned varint length N+1); null is not allowed.</summary>
    public ReadOnlyMemory<byte> ReadCompactBytes(string field = "compact bytes")
    {
        var length = ReadCompactLength(field);
        if (length < 0)
        {
            throw new KafkaProtocolException($"{field}: non-nullable compact bytes are null.");
        }

        return TakeMemory(length, field);
    }

    /// <summary>Compact bytes (unsigned varint length N+1), where 0 means null.</summary>
    public ReadOnlyMemory<byte>? ReadCompactNullableBytes(string field = "compact nullable bytes")
    {
        var length = ReadCompactLength(field);
        if (length < 0)
        {
            return null;
        }

        return TakeMemory(length, field);
    }

    /// <summary>
    /// An int32 array count, -1 for a null array. A count larger than the remaining bytes is rejected,
    /// since every element takes at least one byte.
    /// </summary>
    public int ReadArrayLength(string field = "array")
    {
        var count = ReadInt32(field);
        return CheckCount(count, field);
    }

    /// <summary>A compact array count (unsigned varint N+1), -1 for a null array.</summary>
    public int ReadCompactArrayLength(string field = "compact array")
    {
        var count = ReadCompactLength(field);
        return CheckCount(count, field);
    }

    /// <summary>Reads <paramref name="length"/> raw bytes as a slice of the buffer.</summary>
    public ReadOnlyMemory<byte> ReadRaw(int length, string field = "raw bytes")
    {
        if (length < 0)
        {
            throw new KafkaProtocolException($"{field}: invalid length {length}.");
        }

        return TakeMemory(length, field);
    }

    /// <summary>Skips the tagged-field section of a flexible struct.</summary>
    public void SkipTaggedFields(string field = "tagged fields")
    {
        var count = ReadUnsignedVarint(field);
        for (uint i = 0; i < count; i++)
        {
            ReadUnsignedVarint(field);
            var size = ReadUnsignedVarint(field);
            if (size > (uint)Remaining)
            {
                throw new KafkaProtocolException($"{field}: tagged field of {size} bytes exceeds the {Remaining} remaining.");
            }

            _position += (int)size;
        }
    }

    /// <summary>
    /// Reads one tagged field's header (tag and size) and returns a reader over its payload, advancing past it.
    /// </summary>
    public KafkaReader ReadTaggedField(out uint tag, string field = "tagged field")
    {
        tag = ReadUnsignedVarint(field);
        var size = ReadUnsignedVarint(field);
        if (size > (uint)Remaining)
        {
            throw new KafkaProtocolException($"{field}: tagged field {tag} of {size} bytes exceeds the {Remaining} remaining.");
        }

        return new KafkaReader(TakeMemory((int)size, field));
    }

    public List<T> ReadArray<T>(short version, string field)
        where T : IKafkaStruct<T>
    {
        var count = ReadArrayLength(field);
        if (count < 0)
        {
            throw new KafkaProtocolException($"{field}: non-nullable array is null.");
        }

        return ReadElements<T>(count, version);
    }

    public List<T>? ReadNullableArray<T>(short version, string field)
        where T : IKafkaStruct<T>
    {
        var count = ReadArrayLength(field);
        return count < 0 ? null : ReadElements<T>(count, version);
    }

    public List<T> ReadCompactArray<T>(short version, string field)
        where T : IKafkaStruct<T>
    {
        var count = ReadCompactArrayLength(field);
        if (count < 0)
        {
            throw new KafkaProtocolException($"{field}: non-nullable compact array is null.");
        }

        return ReadElements<T>(count, version);
    }

    public List<T>? ReadCompactNullableArray<T>(short version, string field)
        where T : IKafkaStruct<T>
    {
        var count = ReadCompactArrayLength(field);
        return count < 0 ? null : ReadElements<T>(count, version);
    }

    public List<int> ReadInt32Array(string field)
    {
        var count = ReadArrayLength(field);
        if (count < 0)
        {
            throw new KafkaProtocolException($"{field}: non-nullable array is null.");
        }

        CheckElementBytes(count, sizeof(int), field);
        var list = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadInt32(field));
        }

        return list;
    }

    public List<long> ReadInt64Array(string field)
    {
        var count = ReadArrayLength(field);
        if (count < 0)
        {
            throw new KafkaProtocolException($"{field}: non-nullable array is null.");
        }

        CheckElementBytes(count, sizeof(long), field);
        var list = new List<long>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadInt64(field));
        }

        return list;
    }

    public List<string> ReadStringArray(string field)
    {
        var list = ReadNullableStringArray(field);
        return list ?? throw new KafkaProtocolException($"{field}: non-nullable array is null.");
    }

    public List<string>? ReadNullableStringArray(string field)
    {
        var count = ReadArrayLength(field);
        if (count < 0)
        {
            return null;
        }

        CheckElementBytes(count, sizeof(short), field);
        var list = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadString(field));
        }

        return list;
    }

    private List<T> ReadElements<T>(int count, short version)
        where T : IKafkaStruct<T>
    {
        // The count is at most the bytes left, but a list of references pre-sized to it would take 8 bytes per byte of
        // input: start small and let the elements actually read grow it.
        var list = new List<T>(Math.Min(count, InitialElementCapacity));
        for (var i = 0; i < count; i++)
        {
            list.Add(T.Read(ref this, version));
        }

        return list;
    }

    /// <summary>Rejects a count of fixed-size elements that cannot all fit in the bytes left, before any allocation.</summary>
    private readonly void CheckElementBytes(int count, int elementSize, string field)
    {
        if ((long)count * elementSize > Remaining)
        {
            throw new KafkaProtocolException($"{field}: {count} elements of at least {elementSize} bytes exceed the {Remaining} remaining bytes.");
        }
    }

    private readonly int CheckCount(int count, string field)
    {
        if (count < -1)
        {
            throw new KafkaProtocolException($"{field}: invalid array length {count}.");
        }

        if (count > Remaining)
        {
            throw new KafkaProtocolException($"{field}: array length {count} exceeds the {Remaining} remaining bytes.");
        }

        return count;
    }

    /// <summary>Reads an N+1 compact length; returns -1 for null (0 on the wire).</summary>
    private int ReadCompactLength(string field)
    {
        var raw = ReadUnsignedVarint(field);
        if (raw > (uint)int.MaxValue)
        {
            throw new KafkaProtocolException($"{field}: compact length {raw} is too large.");
        }

        return (int)raw - 1;
    }

    private ReadOnlySpan<byte> Take(int length, string field) => TakeMemory(length, field).Span;

    private ReadOnlyMemory<byte> TakeMemory(int length, string field)
    {
        if (length > Remaining)
        {
            throw new KafkaProtocolException(
                $"{field}: needs {length} bytes at offset {_position}, but only {Remaining} remain.");
        }

        var slice = _buffer.Slice(_position, length);
        _position += length;
        return slice;
    }

    private static string Decode(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? string.Empty : Encoding.UTF8.GetString(bytes);
}
