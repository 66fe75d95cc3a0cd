using System.Buffers.Binary;
using System.Net.Sockets;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Simulator.Tests.Admin;

namespace ReliableKafka.Simulator.Tests.Cluster;

/// <summary>
/// The broker's connection loop over real sockets: frames are cut by <see cref="KafkaFrame.TryReadFrame"/>, each
/// close is logged with its reason, and a failing handler ends only its own connection.
/// </summary>
public sealed class ConnectionLogTests : IAsyncLifetime
{
    private readonly RecordingLoggerFactory _log = new();
    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1, LoggerFactory = _log });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_frame_above_socket_request_max_bytes_closes_the_connection_and_is_logged()
    {
        using var client = await ConnectRawAsync();

        await client.GetStream().WriteAsync(SizePrefix(KafkaFrame.DefaultMaxFrameSize + 1));

        await AssertClosedAsync(client);
        var entry = await _log.WaitForAsync("OversizedFrame");
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal((KafkaFrame.DefaultMaxFrameSize + 1, KafkaFrame.DefaultMaxFrameSize), (entry.Values["Size"], entry.Values["MaxSize"]));
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(0)]
    public async Task A_negative_or_empty_frame_closes_the_connection_as_a_bad_frame(int size)
    {
        using var client = await ConnectRawAsync();

        await client.GetStream().WriteAsync(SizePrefix(size));

        await AssertClosedAsync(client);
        Assert.Equal(LogLevel.Warning, (await _log.WaitForAsync("BadFrame")).Level);
    }

    [Fact]
    public async Task A_frame_sent_in_small_pieces_is_served_whole()
    {
        _cluster.CreateTopic("pieces", new TopicSettings(1, 1, 1));
        using var writer = new KafkaWriter();
        var batch = RecordBatchBuilder.Create(20_000);
        KafkaFrame.WriteRequest(writer, 8, 1, "pieces", new ProduceRequest
        {
            Acks = 1,
            TimeoutMs = 5000,
            TopicData = [new() { Name = "pieces", PartitionData = [new() { Index = 0, Records = batch }] }],
        });
        var frame = writer.ToArray();
        Assert.True(frame.Length > 2 * BrokerNode.ReadBufferSize, $"the frame must span several read buffers; it has {frame.Length} bytes");
        using var client = await ConnectRawAsync();
        var stream = client.GetStream();

        for (var offset = 0; offset < frame.Length; offset += 10_000)
        {
            await stream.WriteAsync(frame.AsMemory(offset, Math.Min(10_000, frame.Length - offset)));
            await stream.FlushAsync();
        }

        var response = await ReadResponseAsync<ProduceResponse>(stream, 8);
        var partition = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal((KafkaErrorCode.None, 0L), (partition.ErrorCode, partition.BaseOffset));
        Assert.Equal(20_000, _cluster.Describe().Topics.Single().Partitions.Single().LogEndOffsets[1]);
    }

    [Fact]
    public async Task An_unserved_version_closes_the_connection_and_names_the_api_and_version()
    {
        using var client = await ConnectRawAsync();

        await client.GetStream().WriteAsync(RequestFrame(ApiKey.LeaveGroup, 9, "unserved"));

        await AssertClosedAsync(client);
        var entry = await _log.WaitForAsync("UnsupportedRequest");
        Assert.Equal((ApiKey.LeaveGroup, (short)9, "unserved"), (entry.Values["ApiKey"], entry.Values["ApiVersion"], entry.Values["ClientId"]));
    }

    [Fact]
    public async Task An_unknown_api_closes_the_connection_and_is_logged()
    {
        using var client = await ConnectRawAsync();

        await client.GetStream().WriteAsync(RequestFrame((ApiKey)999, 0, "unknown"));

        await AssertClosedAsync(client);
        var entry = await _log.WaitForAsync("UnsupportedRequest");
        Assert.Equal(((ApiKey)999, "unknown"), (entry.Values["ApiKey"], entry.Values["ClientId"]));
    }

    [Fact]
    public async Task A_client_that_hangs_up_is_logged_at_debug()
    {
        await using (var connection = await ConnectAsync())
        {
            await connection.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest(), 0);
        }

        var entry = await _log.WaitForAsync("ClientClosed", static e => Equals(e.Values["ClientId"], "raw-admin-test"));
        Assert.Equal(LogLevel.Debug, entry.Level);
    }

    [Fact]
    public async Task A_failing_handler_is_logged_with_api_and_client_id_and_closes_only_its_own_connection()
    {
        _cluster.CreateTopic("alive", new TopicSettings(1, 1, 1));
        _cluster.Handler.Override(ApiKey.DescribeConfigs, static (_, _, _, _, _) => throw new InvalidOperationException("describe failed"));
        await using var bystander = await ConnectAsync();
        await bystander.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest(), 0);
        await using var failing = await ConnectAsync();

        await Assert.ThrowsAnyAsync<IOException>(() => failing.SendAsync<DescribeConfigsRequest, DescribeConfigsResponse>(
            new DescribeConfigsRequest { Resources = [new() { ResourceType = 2, ResourceName = "alive" }] },
            2));

        var entry = await _log.WaitForAsync("HandlerFailed");
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal((ApiKey.DescribeConfigs, (short)2, "raw-admin-test"), (entry.Values["ApiKey"], entry.Values["ApiVersion"], entry.Values["ClientId"]));
        Assert.Equal("describe failed", Assert.IsType<InvalidOperationException>(entry.Exception).Message);

        // The connection opened before the failure still answers, and a real client still produces.
        var versions = await bystander.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest(), 0);
        Assert.Equal(ApiRegistry.Ranges.Count, versions.ApiKeys.Count);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers })
            .SetLogHandler(static (_, _) => { }).Build();
        var delivered = await producer.ProduceAsync("alive", new Message<string, string> { Key = "k", Value = "v" });
        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
    }

    [Fact]
    public async Task A_crash_is_logged_as_the_broker_stopping()
    {
        await using var connection = await ConnectAsync();
        await connection.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest(), 0);

        _cluster.CrashBroker(1);

        await _log.WaitForAsync("BrokerStopped", static e => Equals(e.Values["ClientId"], "raw-admin-test"));
    }

    /// <summary>A whole request frame: a header for any key and version, then a body no codec has to write.</summary>
    internal static byte[] RequestFrame(ApiKey key, short version, string clientId)
    {
        using var writer = new KafkaWriter();
        var start = writer.BeginFrame();
        new RequestHeader(key, version, 1, clientId).Write(writer);
        writer.WriteString("group");
        writer.EndFrame(start);
        return writer.ToArray();
    }

    private static byte[] SizePrefix(int size)
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, size);
        return prefix;
    }

    /// <summary>The broker closed the connection: a read ends (or is reset) instead of waiting.</summary>
    internal static async Task AssertClosedAsync(TcpClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            Assert.Equal(0, await client.GetStream().ReadAsync(new byte[1], timeout.Token));
        }
        catch (IOException)
        {
            // A reset is a close too.
        }
    }

    private static async Task<T> ReadResponseAsync<T>(NetworkStream stream, short version)
        where T : IKafkaMessage<T>
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var size = new byte[4];
        await stream.ReadExactlyAsync(size, timeout.Token);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await stream.ReadExactlyAsync(body, timeout.Token);
        return KafkaFrame.ReadResponse<T>(body, version, out _);
    }

    private async Task<TcpClient> ConnectRawAsync()
    {
        var broker = _cluster.Describe().Brokers.Single();
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(broker.Host, broker.Port);
        return client;
    }

    private Task<RawConnection> ConnectAsync()
    {
        var broker = _cluster.Describe().Brokers.Single();
        return RawConnection.ConnectAsync(broker.Host, broker.Port);
    }
}
