using System.Buffers.Binary;
using Microsoft.Extensions.Time.Testing;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Simulator.Tests.Cluster;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Hostile;

/// <summary>Size prefixes and stalled bodies: the broker bounds what it holds per connection and in total.</summary>
[Collection(HostileCollection.Name)]
public sealed class RequestMemoryTests
{
    private const int HundredMiB = 100 * 1024 * 1024;

    /// <summary>
    /// Eight connections announce 100 MiB requests and send 24 MiB of each body. Without a bound the broker would hold
    /// 192 MiB; with the default budget (256 MiB) two requests are read and the other six wait unread, so the heap grows
    /// by at most two partial bodies, and a normal client, whose requests fit in what is left, keeps working.
    /// </summary>
    [Fact]
    public async Task Eight_connections_announcing_100_MiB_each_do_not_grow_the_heap_and_a_normal_client_keeps_working()
    {
        const int partialBody = 24 * 1024 * 1024;
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1 });
        cluster.CreateTopic("normal", new TopicSettings(1, 1, 1));
        var frame = new byte[4 + partialBody];
        BinaryPrimitives.WriteInt32BigEndian(frame, HundredMiB);
        new Random(8).NextBytes(frame.AsSpan(4));
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var sockets = new List<HostileSocket>();
        try
        {
            var sends = new List<Task<bool>>();
            for (var i = 0; i < 8; i++)
            {
                var socket = await HostileSocket.ConnectAsync(cluster.BootstrapServers);
                sockets.Add(socket);
                sends.Add(socket.SendAsync(frame, TimeSpan.FromMinutes(2)));
            }

            var budget = cluster.RequestMemory;
            await Eventually.WaitUntilAsync(
                () => budget.Reserved == 2L * HundredMiB && budget.Waiting == 6 && sends.Count(static s => s.IsCompleted) >= 2,
                TimeSpan.FromSeconds(30),
                "two 100 MiB requests read, six waiting",
                () => $"{budget.Reserved} reserved, {budget.Waiting} waiting, {sends.Count(static s => s.IsCompleted)} bodies sent");
            await using (var client = new NormalClient(cluster.BootstrapServers, "normal"))
            {
                client.Start();
                await Eventually.WaitUntilAsync(() => client.Consumed >= 20, TimeSpan.FromSeconds(20), "the normal client producing and consuming 20 records");
                await client.StopAndVerifyAsync("while eight connections announced 100 MiB requests");
            }

            var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
            Assert.True(budget.Reserved <= budget.Capacity, $"{budget.Reserved} reserved, above the {budget.Capacity} capacity");
            Assert.True(heapGrowth < 80L * 1024 * 1024, $"the managed heap grew by {heapGrowth / (1024 * 1024)} MiB");
        }
        finally
        {
            sockets.ForEach(static s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_size_prefix_above_max_request_size_closes_the_connection_before_anything_is_reserved()
    {
        var logs = new RecordingLoggerFactory();
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1, LoggerFactory = logs, MaxRequestSize = 1024 * 1024 });
        using var socket = await HostileSocket.ConnectAsync(cluster.BootstrapServers);
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, (1024 * 1024) + 1);

        await socket.SendAsync(prefix);
        await socket.WaitUntilClosedAsync(TimeSpan.FromSeconds(10));

        var entry = await logs.WaitForAsync("OversizedFrame");
        Assert.Equal((1024 * 1024) + 1, entry.Values["Size"]);
        Assert.Equal(0, cluster.RequestMemory.Reserved);
    }

    [Fact]
    public async Task A_connection_stalled_in_the_middle_of_a_request_is_closed_after_the_partial_request_timeout()
    {
        var logs = new RecordingLoggerFactory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions
        {
            Brokers = 1,
            LoggerFactory = logs,
            TimeProvider = time,
            PartialRequestTimeout = TimeSpan.FromSeconds(5),
        });
        using var socket = await HostileSocket.ConnectAsync(cluster.BootstrapServers);
        var frame = new byte[4 + 10];
        BinaryPrimitives.WriteInt32BigEndian(frame, 1000);
        await socket.SendAsync(frame);
        await Eventually.WaitUntilAsync(() => cluster.RequestMemory.Reserved == 1000, TimeSpan.FromSeconds(10), "the request's 1000 bytes reserved");

        // The broker's read timer starts once it waits for the rest; advance the clock until it fires.
        await Eventually.WaitUntilAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(6));
                return logs.Entries.Any(static e => e.EventId.Name == "StalledMidRequest");
            },
            TimeSpan.FromSeconds(10),
            "the stalled connection being closed");

        await socket.WaitUntilClosedAsync(TimeSpan.FromSeconds(10));
        await Eventually.WaitUntilAsync(() => cluster.RequestMemory.Reserved == 0, TimeSpan.FromSeconds(10), "the reservation released");
    }

    [Fact]
    public async Task A_request_waiting_for_room_in_the_budget_is_read_once_another_releases_it()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1, MaxBufferedRequestBytes = 4010 });
        using var hog = await HostileSocket.ConnectAsync(cluster.BootstrapServers);
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, 4000);
        await hog.SendAsync(prefix);
        await Eventually.WaitUntilAsync(() => cluster.RequestMemory.Reserved == 4000, TimeSpan.FromSeconds(10), "the hog's 4000 bytes reserved");

        await using var admin = await Admin.RawConnection.ConnectAsync("127.0.0.1", int.Parse(cluster.BootstrapServers.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        var answer = admin.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest(), 0);
        await Eventually.WaitUntilAsync(() => cluster.RequestMemory.Waiting == 1, TimeSpan.FromSeconds(10), "the ApiVersions request waiting for room");
        hog.Dispose();

        Assert.Equal(KafkaErrorCode.None, (await answer).ErrorCode);
        Assert.Equal(0, cluster.RequestMemory.Waiting);
    }
}
