using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Protocol;

public sealed class KafkaReaderWriterTests
{
    [Fact]
    public void Fixed_width_integers_are_big_endian()
    {
        var bytes = Write(w =>
        {
            w.WriteInt8(-2);
            w.WriteInt16(0x0102);
            w.WriteInt32(0x01020304);
            w.WriteInt64(0x0102030405060708);
            w.WriteUInt32(0xFFFFFFFE);
            w.WriteBoolean(true);
            w.WriteBoolean(false);
        });

        Assert.Equal(
            Hex("FE 0102 01020304 0102030405060708 FFFFFFFE 01 00"),
            bytes);
        var reader = new KafkaReader(bytes);
        Assert.Equal(-2, reader.ReadInt8());
        Assert.Equal(0x0102, reader.ReadInt16());
        Assert.Equal(0x01020304, reader.ReadInt32());
        Assert.Equal(0x0102030405060708, reader.ReadInt64());
        Assert.Equal(0xFFFFFFFE, reader.ReadUInt32());
        Assert.True(reader.ReadBoolean());
        Assert.False(reader.ReadBoolean());
        Assert.True(reader.IsAtEnd);
    }

    [Theory]
    [InlineData(0u, "00")]
    [InlineData(1u, "01")]
    [InlineData(127u, "7F")]
    [InlineData(128u, "8001")]
    [InlineData(300u, "AC02")]
    [InlineData(uint.MaxValue, "FFFFFFFF0F")]
    public void Unsigned_varints_use_LEB128(uint value, string hex)
    {
        var bytes = Write(w => w.WriteUnsignedVarint(value));

        Assert.Equal(Hex(hex), bytes);
        var reader = new KafkaReader(bytes);
        Assert.Equal(value, reader.ReadUnsignedVarint());
        Assert.True(reader.IsAtEnd);
    }

    [Theory]
    [InlineData(0, "00")]
    [InlineData(-1, "01")]
    [InlineData(1, "02")]
    [InlineData(-64, "7F")]
    [InlineData(64, "8001")]
    [InlineData(int.MaxValue, "FEFFFFFF0F")]
    [InlineData(int.MinValue, "FFFFFFFF0F")]
    public void Signed_varints_are_zigzag_encoded(int value, string hex)
    {
        var bytes = Write(w => w.WriteVarint(value));

        Assert.Equal(Hex(hex), bytes);
        var reader = new KafkaReader(bytes);
        Assert.Equal(value, reader.ReadVarint());
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(1_700_000_000_000L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Varlongs_round_trip(long value)
    {
        var bytes = Write(w => w.WriteVarlong(value));

        var reader = new KafkaReader(bytes);
        Assert.Equal(value, reader.ReadVarlong());
        Assert.True(reader.IsAtEnd);
        Assert.InRange(bytes.Length, 1, 10);
    }

    [Fact]
    public void Uuids_are_written_in_network_order()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        var bytes = Write(w => w.WriteUuid(id));

        Assert.Equal(Hex("00112233445566778899AABBCCDDEEFF"), bytes);
        var reader = new KafkaReader(bytes);
        Assert.Equal(id, reader.ReadUuid());
    }

    [Fact]
    public void Strings_and_bytes_in_classic_and_compact_forms()
    {
        var bytes = Write(w =>
        {
            w.WriteString("ab");
            w.WriteNullableString(null);
            w.WriteCompactString("é");
            w.WriteCompactNullableString(null);
            w.WriteBytes([1, 2]);
            w.WriteNullableBytes(null);
            w.WriteCompactBytes([3]);
            w.WriteCompactNullableBytes(null);
        });

        Assert.Equal(Hex("0002 6162 FFFF 03 C3A9 00 00000002 0102 FFFFFFFF 02 03 00"), bytes);
        var reader = new KafkaReader(bytes);
        Assert.Equal("ab", reader.ReadString());
        Assert.Null(reader.ReadNullableString());
        Assert.Equal("é", reader.ReadCompactString());
        Assert.Null(reader.ReadCompactNullableString());
        Assert.Equal([1, 2], reader.ReadBytes().ToArray());
        Assert.Null(reader.ReadNullableBytes());
        Assert.Equal([3], reader.ReadCompactBytes().ToArray());
        Assert.Null(reader.ReadCompactNullableBytes());
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void Bytes_are_slices_of_the_input()
    {
        var buffer = Hex("00000003 0A0B0C");
        var reader = new KafkaReader(buffer);

        var slice = reader.ReadBytes();

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(slice, out var segment));
        Assert.Same(buffer, segment.Array);
        Assert.Equal(4, segment.Offset);
    }

    [Fact]
    public void Array_lengths_in_classic_and_compact_forms()
    {
        var bytes = Write(w =>
        {
            w.WriteArrayLength(-1);
            w.WriteCompactArrayLength(-1);
            w.WriteCompactArrayLength(1);
            w.WriteInt8(9);
        });

        Assert.Equal(Hex("FFFFFFFF 00 02 09"), bytes);
        var reader = new KafkaReader(bytes);
        Assert.Equal(-1, reader.ReadArrayLength());
        Assert.Equal(-1, reader.ReadCompactArrayLength());
        Assert.Equal(1, reader.ReadCompactArrayLength());
    }

    [Fact]
    public void Tagged_fields_are_skipped()
    {
        var reader = new KafkaReader(Hex("02 00 02 AAAA 05 01 BB 7F"));

        reader.SkipTaggedFields();

        Assert.Equal(0x7F, reader.ReadInt8());
    }

    [Theory]
    [InlineData("00", "Field.A")]
    [InlineData("0005 6162", "Field.A")]
    [InlineData("FFFE", "Field.A")]
    public void Malformed_strings_throw_a_protocol_exception_naming_the_field(string hex, string field)
    {
        var reader = new KafkaReader(Hex(hex));

        var e = Assert.Throws<KafkaProtocolException>(() => reader.ReadNullableString(field));

        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_kind_of_bad_input_throws_a_protocol_exception()
    {
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("0001")).ReadInt32());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("FFFF")).ReadString());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("FFFFFFFE")).ReadNullableBytes());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("00000010 00")).ReadBytes());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("FFFFFFFE")).ReadArrayLength());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("7FFFFFFF 00")).ReadArrayLength());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("00")).ReadCompactString());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("0A 00")).ReadCompactBytes());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("FFFFFFFF1F")).ReadUnsignedVarint());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("FFFFFFFFFF01")).ReadUnsignedVarint());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("FFFFFFFFFFFFFFFFFF7F")).ReadVarlong());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("80")).ReadVarint());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("01 00 05 00")).SkipTaggedFields());
        Assert.Throws<KafkaProtocolException>(() => new KafkaReader(Hex("0011223344")).ReadUuid());
    }

    [Fact]
    public void Frames_are_patched_with_their_length()
    {
        using var writer = new KafkaWriter(initialCapacity: 16);
        writer.WriteInt8(1);
        var start = writer.BeginFrame();
        var payload = new byte[1000];
        Random.Shared.NextBytes(payload);
        writer.WriteRaw(payload);
        writer.EndFrame(start);

        var bytes = writer.ToArray();
        Assert.Equal(1 + 4 + 1000, bytes.Length);
        Assert.Equal(Hex("01 000003E8"), bytes[..5]);
        Assert.Equal(payload, bytes[5..]);
    }

    [Fact]
    public void Writer_can_be_reset_and_reused()
    {
        using var writer = new KafkaWriter();
        writer.WriteInt32(1);
        writer.Reset();
        writer.WriteInt16(2);

        Assert.Equal(Hex("0002"), writer.ToArray());
    }

    [Fact]
    public void Too_long_string_is_refused()
    {
        using var writer = new KafkaWriter();

        Assert.Throws<KafkaProtocolException>(() => writer.WriteString(new string('x', short.MaxValue + 1)));
    }

    internal static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    private static byte[] Write(Action<KafkaWriter> write)
    {
        using var writer = new KafkaWriter();
        write(writer);
        return writer.ToArray();
    }
}
