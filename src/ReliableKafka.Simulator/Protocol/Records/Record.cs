namespace ReliableKafka.Simulator.Protocol;

/// <summary>A record header: a non-null string key and nullable bytes.</summary>
internal readonly record struct RecordHeader(string Key, ReadOnlyMemory<byte>? Value);

/// <summary>
/// One record inside an uncompressed v2 batch: length varint, attributes int8, timestampDelta varlong,
/// offsetDelta varint, key (varint length, -1 null), value (likewise), then a varint count of headers.
/// </summary>
internal sealed class Record
{
    public sbyte Attributes { get; init; }

    public long TimestampDelta { get; init; }

    public int OffsetDelta { get; init; }

    public ReadOnlyMemory<byte>? Key { get; init; }

    public ReadOnlyMemory<byte>? Value { get; init; }

    public IReadOnlyList<RecordHeader> Headers { get; init; } = [];

    public static Record Read(ref KafkaReader reader)
    {
        var length = reader.ReadVarint("Record.Length");
        var body = new KafkaReader(reader.ReadRaw(length, "Record"));
        var attributes = body.ReadInt8("Record.Attributes");
        var timestampDelta = body.ReadVarlong("Record.TimestampDelta");
        var offsetDelta = body.ReadVarint("Record.OffsetDelta");
        var key = ReadVarintBytes(ref body, "Record.Key");
        var value = ReadVarintBytes(ref body, "Record.Value");
        var headerCount = body.ReadVarint("Record.Headers");
        // Each header takes at least two bytes (key and value lengths): a count beyond that is rejected before allocating.
        if (headerCount < 0 || headerCount > body.Remaining / 2)
        {
            throw new KafkaProtocolException($"Record.Headers: invalid count {headerCount}.");
        }

        var headers = new RecordHeader[headerCount];
        for (var i = 0; i < headerCount; i++)
        {
            var headerKey = ReadVarintBytes(ref body, "Record.Header.Key")
                ?? throw new KafkaProtocolException("Record.Header.Key: null header key.");
            headers[i] = new RecordHeader(System.Text.Encoding.UTF8.GetString(headerKey.Span), ReadVarintBytes(ref body, "Record.Header.Value"));
        }

        if (!body.IsAtEnd)
        {
            throw new KafkaProtocolException($"Record: {body.Remaining} bytes left after the headers.");
        }

        return new Record
        {
            Attributes = attributes,
            TimestampDelta = timestampDelta,
            OffsetDelta = offsetDelta,
            Key = key,
            Value = value,
            Headers = headers,
        };
    }

    /// <summary>Writes the record, length prefix included.</summary>
    public void Write(KafkaWriter writer)
    {
        using var body = new KafkaWriter();
        body.WriteInt8(Attributes);
        body.WriteVarlong(TimestampDelta);
        body.WriteVarint(OffsetDelta);
        WriteVarintBytes(body, Key);
        WriteVarintBytes(body, Value);
        body.WriteVarint(Headers.Count);
        foreach (var header in Headers)
        {
            WriteVarintBytes(body, System.Text.Encoding.UTF8.GetBytes(header.Key));
            WriteVarintBytes(body, header.Value);
        }

        writer.WriteVarint(body.Length);
        writer.WriteRaw(body.WrittenSpan);
    }

    private static ReadOnlyMemory<byte>? ReadVarintBytes(ref KafkaReader reader, string field)
    {
        var length = reader.ReadVarint(field);
        if (length == -1)
        {
            return null;
        }

        return reader.ReadRaw(length, field);
    }

    private static void WriteVarintBytes(KafkaWriter writer, ReadOnlyMemory<byte>? value)
    {
        if (value is { } bytes)
        {
            writer.WriteVarint(bytes.Length);
            writer.WriteRaw(bytes.Span);
        }
        else
        {
            writer.WriteVarint(-1);
        }
    }
}
