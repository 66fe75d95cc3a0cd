using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ReliableKafka.Simulator.Protocol;

/// <summary>
/// Appends Kafka primitive types (big-endian) to a growable buffer rented from <see cref="ArrayPool{T}"/>.
/// Dispose returns the buffer; <see cref="Reset"/> keeps it for the next message.
/// </summary>
internal sealed class KafkaWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _length;

    public KafkaWriter(int initialCapacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 16));
    }

    /// <summary>Number of bytes written.</summary>
    public int Length => _length;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Forgets everything written, keeping the buffer.</summary>
    public void Reset() => _length = 0;

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void WriteInt8(sbyte value) => Reserve(1)[0] = (byte)value;

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Reserve(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void WriteFloat64(double value) => BinaryPrimitives.WriteDoubleBigEndian(Reserve(8), value);

    public void WriteBoolean(bool value) => Reserve(1)[0] = value ? (byte)1 : (byte)0;

    /// <summary>A UUID in network (big-endian) order, as Kafka reads it.</summary>
    public void WriteUuid(Guid value) => value.TryWriteBytes(Reserve(16), bigEndian: true, out _);

    public void WriteUnsignedVarint(uint value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte((byte)value);
    }

    /// <summary>A zigzag-encoded signed varint.</summary>
    public void WriteVarint(int value) => WriteUnsignedVarint((uint)((value << 1) ^ (value >> 31)));

    /// <summary>A zigzag-encoded signed varlong.</summary>
    public void WriteVarlong(long value)
    {
        var raw = (ulong)((value << 1) ^ (value >> 63));
        while (raw >= 0x80)
        {
            WriteByte((byte)(raw | 0x80));
            raw >>= 7;
        }

        WriteByte((byte)raw);
    }

    /// <summary>A string with an int16 length.</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > short.MaxValue)
        {
            throw new KafkaProtocolException($"String of {length} bytes is too long for an int16 length.");
        }

        WriteInt16((short)length);
        Encoding.UTF8.GetBytes(value, Reserve(length));
    }

    /// <summary>A string with an int16 length, -1 for null.</summary>
    public void WriteNullableString(string? value)
    {
        if (value is null)
        {
            WriteInt16(-1);
        }
        else
        {
            WriteString(value);
        }
    }

    /// <summary>A compact string (unsigned varint length N+1).</summary>
    public void WriteCompactString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetByteCount(value);
        WriteUnsignedVarint((uint)length + 1);
        Encoding.UTF8.GetBytes(value, Reserve(length));
    }

    /// <summary>A compact string (unsigned varint length N+1), 0 for null.</summary>
    public void WriteCompactNullableString(string? value)
    {
        if (value is null)
        {
            WriteUnsignedVarint(0);
        }
        else
        {
            WriteCompactString(value);
        }
    }

    /// <summary>Bytes with an int32 length.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        WriteRaw(value);
    }

    /// <summary>Bytes with an int32 length, -1 for null.</summary>
    public void WriteNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is { } bytes)
        {
            WriteBytes(bytes.Span);
        }
        else
        {
            WriteInt32(-1);
        }
    }

    /// <summary>Compact bytes (unsigned varint length N+1).</summary>
    public void WriteCompactBytes(ReadOnlySpan<byte> value)
    {
        WriteUnsignedVarint((uint)value.Length + 1);
        WriteRaw(value);
    }

    /// <summary>Compact bytes (unsigned varint length N+1), 0 for null.</summary>
    public void WriteCompactNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is { } bytes)
        {
            WriteCompactBytes(bytes.Span);
        }
        else
        {
            WriteUnsignedVarint(0);
        }
    }

    /// <summary>An int32 array count, -1 for null.</summary>
    public void WriteArrayLength(int count) => WriteInt32(count);

    /// <summary>A compact array count (unsigned varint N+1), pass -1 for null.</summary>
    public void WriteCompactArrayLength(int count) => WriteUnsignedVarint((uint)(count + 1));

    /// <summary>An empty tagged-field section (a single zero byte).</summary>
    public void WriteEmptyTaggedFields() => WriteByte(0);

    public void WriteRaw(ReadOnlySpan<byte> value) => value.CopyTo(Reserve(value.Length));

    public void WriteArray<T>(List<T> items, short version)
        where T : IKafkaStruct<T>
    {
        WriteArrayLength(items.Count);
        WriteElements(items, version);
    }

    public void WriteNullableArray<T>(List<T>? items, short version)
        where T : IKafkaStruct<T>
    {
        if (items is null)
        {
            WriteArrayLength(-1);
        }
        else
        {
            WriteArray(items, version);
        }
    }

    public void WriteCompactArray<T>(List<T> items, short version)
        where T : IKafkaStruct<T>
    {
        WriteCompactArrayLength(items.Count);
        WriteElements(items, version);
    }

    public void WriteCompactNullableArray<T>(List<T>? items, short version)
        where T : IKafkaStruct<T>
    {
        if (items is null)
        {
            WriteCompactArrayLength(-1);
        }
        else
        {
            WriteCompactArray(items, version);
        }
    }

    public void WriteInt32Array(List<int> items)
    {
        WriteArrayLength(items.Count);
        foreach (var item in items)
        {
            WriteInt32(item);
        }
    }

    public void WriteInt64Array(List<long> items)
    {
        WriteArrayLength(items.Count);
        foreach (var item in items)
        {
            WriteInt64(item);
        }
    }

    public void WriteStringArray(List<string> items)
    {
        WriteArrayLength(items.Count);
        foreach (var item in items)
        {
            WriteString(item);
        }
    }

    public void WriteNullableStringArray(List<string>? items)
    {
        if (items is null)
        {
            WriteArrayLength(-1);
        }
        else
        {
            WriteStringArray(items);
        }
    }

    /// <summary>Writes one tagged field: its tag, the payload's size, then the payload.</summary>
    public void WriteTaggedField(uint tag, ReadOnlySpan<byte> payload)
    {
        WriteUnsignedVarint(tag);
        WriteUnsignedVarint((uint)payload.Length);
        WriteRaw(payload);
    }

    /// <summary>Reserves a 4-byte size prefix; returns its position for <see cref="EndFrame"/>.</summary>
    public int BeginFrame()
    {
        var start = _length;
        WriteInt32(0);
        return start;
    }

    /// <summary>Patches the size prefix reserved at <paramref name="frameStart"/> with the bytes written after it.</summary>
    public void EndFrame(int frameStart)
    {
        if (frameStart < 0 || frameStart > _length - 4)
        {
            throw new ArgumentOutOfRangeException(nameof(frameStart));
        }

        PatchInt32(frameStart, _length - frameStart - 4);
    }

    /// <summary>Overwrites four already written bytes at <paramref name="position"/>.</summary>
    public void PatchInt32(int position, int value)
    {
        if (position < 0 || position > _length - 4)
        {
            throw new ArgumentOutOfRangeException(nameof(position));
        }

        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(position, 4), value);
    }

    public void Advance(int count)
    {
        if (count < 0 || _length + count > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(_length);
    }

    private void WriteElements<T>(List<T> items, short version)
        where T : IKafkaStruct<T>
    {
        foreach (var item in items)
        {
            item.Write(this, version);
        }
    }

    private void WriteByte(byte value) => Reserve(1)[0] = value;

    private Span<byte> Reserve(int count)
    {
        EnsureCapacity(count);
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void EnsureCapacity(int count)
    {
        if (_buffer.Length - _length >= count)
        {
            return;
        }

        var needed = checked(_length + count);
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _length).CopyTo(grown);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = grown;
    }
}
