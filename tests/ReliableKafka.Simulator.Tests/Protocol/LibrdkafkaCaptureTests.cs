using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;
using Xunit.Abstractions;

namespace ReliableKafka.Simulator.Tests.Protocol;

/// <summary>Parses the bytes a real librdkafka producer sends to a listener that speaks this codec.</summary>
public sealed class LibrdkafkaCaptureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Librdkafka_opens_with_ApiVersions_v3_then_sends_flexible_Metadata_v9()
    {
        var stopwatch = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var config = new ProducerConfig
            {
                BootstrapServers = $"127.0.0.1:{port}",
                ClientId = "protocol-capture",
                SocketTimeoutMs = 3000,
                MessageTimeoutMs = 3000,
            };
            using var producer = new ProducerBuilder<Null, string>(config)
                .SetLogHandler((_, _) => { })
                .SetErrorHandler((_, _) => { })
                .Build();

            using var connection = await listener.AcceptTcpClientAsync(timeout.Token);
            var stream = connection.GetStream();

            var first = await ReadFrameAsync(stream, timeout.Token);
            output.WriteLine($"first frame: {Convert.ToHexString(first)}");
            var apiVersions = KafkaFrame.ReadRequest<ApiVersionsRequest>(first, out var header);
            output.WriteLine($"{header} software={apiVersions.ClientSoftwareName} {apiVersions.ClientSoftwareVersion}");

            Assert.Equal(ApiKey.ApiVersions, header.ApiKey);
            Assert.Equal(3, header.ApiVersion);
            Assert.Equal(2, header.HeaderVersion);
            Assert.Equal("protocol-capture", header.ClientId);
            Assert.Equal("confluent-kafka-dotnet", apiVersions.ClientSoftwareName);
            Assert.Matches(@"^\d+\.\d+\.\d+", apiVersions.ClientSoftwareVersion);

            using var writer = new KafkaWriter();
            KafkaFrame.WriteResponse(writer, header.ApiVersion, header.CorrelationId, ApiVersionRanges.CreateResponse(ApiRegistry.Ranges));
            await stream.WriteAsync(writer.WrittenMemory, timeout.Token);

            var second = await ReadFrameAsync(stream, timeout.Token);
            output.WriteLine($"second frame: {Convert.ToHexString(second)}");
            var metadata = KafkaFrame.ReadRequest<MetadataRequest>(second, out var metadataHeader);
            output.WriteLine($"{metadataHeader} topics={(metadata.Topics is null ? "null" : metadata.Topics.Count)} auto={metadata.AllowAutoTopicCreation}");

            Assert.Equal(ApiKey.Metadata, metadataHeader.ApiKey);
            Assert.Equal(9, metadataHeader.ApiVersion);
            Assert.Equal("protocol-capture", metadataHeader.ClientId);
            Assert.NotEqual(header.CorrelationId, metadataHeader.CorrelationId);

            // A bootstrap query for brokers only: an empty (not null, which would mean all) topic list.
            Assert.NotNull(metadata.Topics);
            Assert.Empty(metadata.Topics);
        }
        finally
        {
            listener.Stop();
        }

        output.WriteLine($"elapsed {stopwatch.ElapsedMilliseconds} ms");
    }

    private static async Task<byte[]> ReadFrameAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[4];
        await stream.ReadExactlyAsync(prefix, cancellationToken);
        var size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        Assert.InRange(size, 0, 1024 * 1024);
        var body = new byte[size];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return body;
    }
}
