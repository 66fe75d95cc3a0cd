using System.Buffers.Binary;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Simulator.Tests.Protocol;

namespace ReliableKafka.Simulator.Tests.Hostile;

/// <summary>One hostile frame (or part of one) for one broker.</summary>
internal sealed record FuzzCase(int Index, int Broker, string Kind, ApiKey Api, short Version, byte[] Bytes)
{
    public override string ToString() => $"#{Index} {Kind} {Api} v{Version} to broker {Broker} ({Bytes.Length} bytes)";
}

/// <summary>
/// Generates hostile frames from one seed, the same list for the same seed: random bodies, random bytes, truncated
/// frames, valid requests with bytes flipped, versions outside the advertised range, huge array counts and string
/// lengths, huge size prefixes, and Produce batches with damaged fields, for every API in <see cref="ApiRegistry"/>.
/// Valid requests are filled with random values by the codec tests' <see cref="MessageValues"/>.
/// </summary>
internal sealed class FrameFuzzer(int seed, IReadOnlyList<int> brokers, string produceTopic)
{
    private static readonly string[] Kinds =
        ["random body", "random bytes", "truncated", "flipped", "wrong version", "huge count", "huge prefix", "valid", "crafted batch"];

    private readonly Random _random = new(seed);
    private readonly IReadOnlyList<SupportedApi> _apis = ApiRegistry.Apis;

    public IEnumerable<FuzzCase> Cases(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var api = _apis[_random.Next(_apis.Count)];
            var version = (short)_random.Next(api.MinVersion, api.MaxVersion + 1);
            var kind = Kinds[_random.Next(Kinds.Length)];
            var broker = brokers[_random.Next(brokers.Count)];
            var bytes = kind switch
            {
                "random body" => Frame(api.Key, version, RandomBytes(_random.Next(0, 200))),
                "random bytes" => RandomFrame(),
                "truncated" => Truncated(Valid(api.Key, version)),
                "flipped" => Flipped(Valid(api.Key, version)),
                "wrong version" => WrongVersion(api, out version),
                "huge count" => HugeCount(Valid(api.Key, version)),
                "huge prefix" => HugePrefix(),
                "valid" => Valid(api.Key, version),
                _ => CraftedProduce(out api, out version),
            };
            yield return new FuzzCase(i, broker, kind, api.Key, version, bytes);
        }
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private byte[] RandomFrame()
    {
        var body = RandomBytes(_random.Next(0, 120));
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    private static byte[] Frame(ApiKey api, short version, ReadOnlySpan<byte> body)
    {
        using var writer = new KafkaWriter();
        var start = writer.BeginFrame();
        new RequestHeader(api, version, 1, "fuzzer").Write(writer);
        writer.WriteRaw(body);
        writer.EndFrame(start);
        return writer.ToArray();
    }

    /// <summary>A well-formed request of random values; random bytes when the API has no codec here.</summary>
    private byte[] Valid(ApiKey api, short version)
    {
        var codec = MessageCodec.All.FirstOrDefault(c => c.IsRequest && c.ApiKey == api && version >= c.MinVersion && version <= c.MaxVersion);
        if (codec is null)
        {
            return Frame(api, version, RandomBytes(_random.Next(0, 200)));
        }

        var message = MessageValues.Fill(codec.Type, _random, allowNulls: true);
        try
        {
            return Frame(api, version, codec.WriteToArray(message, version));
        }
        catch (KafkaProtocolException)
        {
            // A random value this version cannot carry: the body is random instead.
            return Frame(api, version, RandomBytes(_random.Next(0, 200)));
        }
    }

    private byte[] Truncated(byte[] frame)
    {
        var cut = frame[.._random.Next(1, frame.Length)];
        if (cut.Length >= 4 && _random.Next(2) == 0)
        {
            // The prefix says what is present: the request itself ends early.
            BinaryPrimitives.WriteInt32BigEndian(cut, cut.Length - 4);
        }

        return cut;
    }

    private byte[] Flipped(byte[] frame)
    {
        for (var i = 0; i < 1 + _random.Next(4); i++)
        {
            frame[4 + _random.Next(frame.Length - 4)] = (byte)_random.Next(256);
        }

        return frame;
    }

    private byte[] WrongVersion(SupportedApi api, out short version)
    {
        version = _random.Next(3) switch
        {
            0 => (short)(api.MaxVersion + 1 + _random.Next(3)),
            1 => (short)(api.MinVersion - 1 - _random.Next(3)),
            _ => (short)_random.Next(short.MinValue, short.MaxValue + 1),
        };
        var body = Valid(api.Key, api.MaxVersion);
        BinaryPrimitives.WriteInt16BigEndian(body.AsSpan(6), version);
        return body;
    }

    /// <summary>Overwrites a random spot of the body with a huge int32 count or a huge unsigned varint (compact length).</summary>
    private byte[] HugeCount(byte[] frame)
    {
        var headerEnd = 4 + 10 + "fuzzer".Length;
        if (frame.Length < headerEnd + 5)
        {
            return frame;
        }

        var at = headerEnd + _random.Next(frame.Length - headerEnd - 4);
        if (_random.Next(2) == 0)
        {
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(at), _random.Next(3) switch { 0 => int.MaxValue, 1 => 0x7FFFFFF0, _ => -2 });
            return frame;
        }

        byte[] varint = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F];
        byte[] longer = [.. frame[..at], .. varint, .. frame[at..]];
        BinaryPrimitives.WriteInt32BigEndian(longer, longer.Length - 4);
        return longer;
    }

    private byte[] HugePrefix()
    {
        var frame = new byte[4 + _random.Next(0, 64)];
        BinaryPrimitives.WriteInt32BigEndian(frame, _random.Next(2) == 0 ? KafkaFrame.DefaultMaxFrameSize : _random.Next(KafkaFrame.DefaultMaxFrameSize / 2, int.MaxValue));
        return frame;
    }

    /// <summary>A Produce request to the fuzz topic whose one valid batch has a damaged field, the CRC fixed or not.</summary>
    private byte[] CraftedProduce(out SupportedApi api, out short version)
    {
        api = _apis.Single(static a => a.Key == ApiKey.Produce);
        version = (short)_random.Next(api.MinVersion, api.MaxVersion + 1);
        var batch = RecordBatchBuilder.Create(1 + _random.Next(5));
        if (_random.Next(3) == 0)
        {
            // Offsets and count that agree with each other but not with the records present (negative ones too).
            var lastOffsetDelta = _random.Next(-5, 10);
            BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatch.LastOffsetDeltaOffset), lastOffsetDelta);
            BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatch.RecordsCountOffset), lastOffsetDelta + 1);
        }
        else
        {
            var field = _random.Next(RecordBatch.HeaderSize);
            var width = Math.Min(1 + _random.Next(8), batch.Length - field);
            _random.NextBytes(batch.AsSpan(field, width));
        }

        if (_random.Next(4) != 0)
        {
            RecordBatch.RecomputeCrc(batch);
        }

        using var writer = new KafkaWriter();
        KafkaFrame.WriteRequest(writer, version, 1, "fuzzer", new ProduceRequest
        {
            Acks = (short)_random.Next(-1, 2),
            TimeoutMs = 2000,
            TopicData = [new ProduceRequest.TopicProduceData { Name = produceTopic, PartitionData = [new ProduceRequest.PartitionProduceData { Index = _random.Next(2), Records = batch }] }],
        });
        return writer.ToArray();
    }
}
