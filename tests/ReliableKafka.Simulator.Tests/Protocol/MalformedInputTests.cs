using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Protocol;

/// <summary>
/// Random, mutated and truncated input must only ever raise <see cref="KafkaProtocolException"/>, which the server
/// turns into an error response or a closed connection.
/// </summary>
public sealed class MalformedInputTests
{
    private const int CasesPerType = 3000;

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void Random_and_mutated_bodies_only_raise_protocol_exceptions(string name)
    {
        var codec = MessageCodec.Named(name);
        var random = new Random(codec.Seed);
        var versions = codec.Versions.ToArray();
        var valid = versions.ToDictionary(v => v, v => Enumerable.Range(0, 8)
            .Select(_ => codec.WriteToArray(MessageRoundTripTests.FillWritable(codec, random, v), v))
            .ToArray());

        for (var i = 0; i < CasesPerType; i++)
        {
            var version = versions[random.Next(versions.Length)];
            var input = (i % 3) switch
            {
                0 => RandomBytes(random, random.Next(0, 64)),
                1 => Mutate(random, valid[version][random.Next(8)]),
                _ => Truncate(random, valid[version][random.Next(8)]),
            };

            ExpectOnlyProtocolExceptions(() => codec.Read(input, version, out _), $"{name} v{version} case {i}: {Convert.ToHexString(input)}");
        }
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void Every_strict_prefix_of_a_valid_body_is_refused(string name)
    {
        var codec = MessageCodec.Named(name);
        var random = new Random(99);
        foreach (var version in codec.Versions)
        {
            var bytes = codec.WriteToArray(MessageRoundTripTests.FillWritable(codec, random, version), version);
            for (var length = 0; length < bytes.Length; length++)
            {
                var prefix = bytes.AsMemory(0, length);
                Assert.Throws<KafkaProtocolException>(() => codec.Read(prefix, version, out _));
            }
        }
    }

    [Fact]
    public void Random_and_truncated_request_headers_only_raise_protocol_exceptions()
    {
        var random = new Random(7);
        using var writer = new KafkaWriter();
        KafkaFrame.WriteRequest(writer, 3, 1, "client", new ApiVersionsRequest { ClientSoftwareName = "a", ClientSoftwareVersion = "b" });
        var frame = writer.ToArray()[4..];

        for (var i = 0; i < CasesPerType; i++)
        {
            var input = (i % 3) switch
            {
                0 => RandomBytes(random, random.Next(0, 24)),
                1 => Mutate(random, frame),
                _ => Truncate(random, frame),
            };

            ExpectOnlyProtocolExceptions(
                () =>
                {
                    var header = KafkaFrame.ReadRequestHeader(input, out var body);
                    if (header.ApiKey == ApiKey.ApiVersions && header.ApiVersion is >= 0 and <= 3)
                    {
                        ApiVersionsRequest.Read(ref body, header.ApiVersion);
                    }

                    var reader = new KafkaReader(input);
                    ResponseHeader.Read(ref reader, header.ApiKey, header.ApiVersion);
                },
                Convert.ToHexString(input));
        }
    }

    [Fact]
    public void Random_and_mutated_record_batches_only_raise_protocol_exceptions()
    {
        var random = new Random(11);
        var batch = new RecordBatchBuilder().Add("key", "value").Add(null, "v2").Build();
        byte[] twoBatches = [.. batch, .. batch];

        for (var i = 0; i < CasesPerType; i++)
        {
            var input = (i % 3) switch
            {
                0 => RandomBytes(random, random.Next(0, 100)),
                1 => Mutate(random, twoBatches),
                _ => Truncate(random, twoBatches),
            };

            // Validation never throws at all.
            RecordBatch.Validate(input);
            ExpectOnlyProtocolExceptions(
                () =>
                {
                    foreach (var each in RecordBatch.Enumerate(input))
                    {
                        RecordBatch.ReadRecords(each);
                    }
                },
                Convert.ToHexString(input));
            ExpectOnlyProtocolExceptions(() => RecordBatch.ReadRecords(input), Convert.ToHexString(input));
        }
    }

    public static TheoryData<string> CodecNames() => MessageCodec.Names();

    private static void ExpectOnlyProtocolExceptions(Action action, string description)
    {
        try
        {
            action();
        }
        catch (KafkaProtocolException)
        {
            // Expected for malformed input.
        }
        catch (Exception e)
        {
            Assert.Fail($"{e.GetType().Name} ({e.Message}) for {description}");
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);

        // Small lengths and counts reach deeper into a message than uniformly random ones.
        for (var i = 0; i < bytes.Length; i++)
        {
            if (random.Next(3) == 0)
            {
                bytes[i] = (byte)random.Next(0, 3);
            }
        }

        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = (byte[])valid.Clone();
        if (bytes.Length == 0)
        {
            return RandomBytes(random, random.Next(1, 8));
        }

        var flips = random.Next(1, 4);
        for (var i = 0; i < flips; i++)
        {
            var position = random.Next(bytes.Length);
            bytes[position] = random.Next(4) switch
            {
                0 => 0xFF,
                1 => 0x80,
                2 => (byte)(bytes[position] ^ (1 << random.Next(8))),
                _ => (byte)random.Next(256),
            };
        }

        return bytes;
    }

    private static byte[] Truncate(Random random, byte[] valid) =>
        valid.Length == 0 ? [] : valid[..random.Next(valid.Length)];
}
