using System.Buffers.Binary;
using System.Net.Sockets;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Interop;

public sealed class MalformedInputTests
{
    /// <summary>
    /// Random frames, truncated frames, absurd lengths and batches with broken CRCs, on many connections, for a bounded
    /// time: each bad connection is closed or answered with an error, and the broker keeps serving a real client.
    /// </summary>
    [Fact]
    public async Task Garbage_on_the_wire_never_takes_a_broker_down()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1 });
        cluster.CreateTopic("fuzz", new TopicSettings(1, 1, 1));
        var endpoint = cluster.BootstrapServers.Split(':');
        var port = int.Parse(endpoint[1], System.Globalization.CultureInfo.InvariantCulture);
        var random = new Random(20261127);
        var valid = ValidProduceFrame();
        var deadline = DateTime.UtcNow.AddSeconds(8);
        var cases = 0;

        while (DateTime.UtcNow < deadline)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint[0], port);
            var stream = client.GetStream();
            var frame = (cases % 5) switch
            {
                0 => RandomBytes(random, random.Next(1, 200)),
                1 => valid[..random.Next(1, valid.Length)],
                2 => WithLength(RandomBytes(random, 50), random.Next(2) == 0 ? -5 : int.MaxValue),
                3 => Mutate(valid, random),
                _ => WithLength(RandomHeader(random), 0),
            };
            try
            {
                await stream.WriteAsync(frame);
                client.Client.Shutdown(SocketShutdown.Send);
                using var read = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                var buffer = new byte[4096];
                while (await stream.ReadAsync(buffer, read.Token) > 0)
                {
                    // Drain whatever the broker answers until it closes.
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // A reset or a silent broker is fine for garbage; only the broker's health below matters.
            }

            cases++;
        }

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true })
            .SetLogHandler((_, _) => { }).Build();
        var result = await producer.ProduceAsync("fuzz", new Message<string, string> { Key = "k", Value = "still alive" });

        Assert.True(cases > 100, $"only {cases} cases ran");
        Assert.Equal(PersistenceStatus.Persisted, result.Status);
        Assert.True(cluster.Describe().Brokers.Single().State == "up");
    }

    [Fact]
    public async Task A_batch_with_a_bad_crc_is_refused_with_corrupt_message_and_nothing_is_appended()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1 });
        cluster.CreateTopic("fuzz", new TopicSettings(1, 1, 1));
        var endpoint = cluster.BootstrapServers.Split(':');
        var frame = ValidProduceFrame();
        frame[^1] ^= 0xFF;

        using var client = new TcpClient();
        await client.ConnectAsync(endpoint[0], int.Parse(endpoint[1], System.Globalization.CultureInfo.InvariantCulture));
        var stream = client.GetStream();
        await stream.WriteAsync(frame);
        var size = new byte[4];
        await stream.ReadExactlyAsync(size);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await stream.ReadExactlyAsync(body);
        var response = KafkaFrame.ReadResponse<ProduceResponse>(body, 8, out var correlationId);

        Assert.Equal(7, correlationId);
        Assert.Equal(KafkaErrorCode.CorruptMessage, response.Responses.Single().PartitionResponses.Single().ErrorCode);
        Assert.Equal(0, cluster.Describe().Topics.Single().Partitions.Single().LogEndOffsets[1]);
    }

    private static byte[] ValidProduceFrame()
    {
        var batch = RecordBatchBuilder.Create(3, -1, -1, -1);
        using var writer = new KafkaWriter();
        KafkaFrame.WriteRequest(writer, 8, 7, "fuzzer", new ProduceRequest
        {
            Acks = 1,
            TimeoutMs = 1000,
            TopicData = [new ProduceRequest.TopicProduceData { Name = "fuzz", PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = batch }] }],
        });
        return writer.ToArray();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] RandomHeader(Random random)
    {
        var header = RandomBytes(random, 12);
        BinaryPrimitives.WriteInt16BigEndian(header, (short)random.Next(-5, 80));
        return header;
    }

    private static byte[] WithLength(byte[] body, int length)
    {
        var frame = new byte[body.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(frame, length == 0 ? body.Length : length);
        body.CopyTo(frame, 4);
        return frame;
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var copy = (byte[])valid.Clone();
        for (var i = 0; i < 1 + random.Next(4); i++)
        {
            var position = 4 + random.Next(copy.Length - 4);
            copy[position] = (byte)random.Next(256);
        }

        return copy;
    }
}
