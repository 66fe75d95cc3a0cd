using System.Diagnostics;
using System.Net.Sockets;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Tests.Cluster;
using ReliableKafka.Testing;
using Xunit.Abstractions;

namespace ReliableKafka.Simulator.Tests.Hostile;

/// <summary>
/// Random and mutated frames at every advertised API over real sockets, while a real Confluent.Kafka producer
/// (acks=all, idempotent) and consumer work on their own topic. The seed is printed on failure; set
/// <c>RK_FUZZ_SEED</c> to replay one.
/// </summary>
[Collection(HostileCollection.Name)]
public sealed class WireFuzzTests(ITestOutputHelper output)
{
    private const string SeedVariable = "RK_FUZZ_SEED";
    private const int CaseCount = 15_000;
    private const int Workers = 4;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AnswerPatience = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task Hostile_frames_at_every_api_leave_a_normal_client_unharmed_and_memory_bounded()
    {
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } text
            ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var context = $"Seed {seed}; replay with {SeedVariable}={seed}.";
        var logs = new RecordingLoggerFactory();
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, LoggerFactory = logs });
        // Upper-case names: the fuzzer's random names never contain them, so no random request touches these topics.
        cluster.CreateTopic("Normal.Traffic", new TopicSettings(1, 3, 2));
        cluster.CreateTopic("Fuzz.Target", new TopicSettings(2, 3, 1));
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var ports = cluster.Describe().Brokers.ToDictionary(static b => b.Id, static b => b.Port);
        var cases = new FrameFuzzer(seed, [.. ports.Keys], "Fuzz.Target").Cases(CaseCount).ToList();
        var sent = 0;

        await using (var client = new NormalClient(cluster.BootstrapServers, "Normal.Traffic"))
        {
            client.Start();
            var clock = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
            {
                while (clock.Elapsed < Budget && Interlocked.Increment(ref next) is var index && index < cases.Count)
                {
                    await SendAsync(ports[cases[index].Broker], cases[index]);
                    Interlocked.Increment(ref sent);
                }
            })));

            output.WriteLine($"{sent} cases in {clock.Elapsed.TotalSeconds:0.0} s, {client.Acknowledged} records produced meanwhile. {context}");
            Assert.True(sent >= 300, $"only {sent} cases ran. {context}");
            await client.StopAndVerifyAsync($"{sent} hostile cases sent. {context}");
        }

        Assert.All(cluster.Describe().Brokers, b => Assert.True(b.State == "up", $"broker {b.Id} is {b.State}. {context}"));
        var failures = logs.Entries.Where(static e => e.EventId.Name is "HandlerFailed" or "ConnectionFailed" or "ReplicationFailed" or "IsrCheckFailed").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} unexpected failures, first: {failures.FirstOrDefault()?.Message} {failures.FirstOrDefault()?.Exception}. {context}");
        await Eventually.WaitUntilAsync(() => cluster.RequestMemory.Reserved < 1024 * 1024, TimeSpan.FromSeconds(10), "request memory released", () => $"{cluster.RequestMemory.Reserved} bytes reserved. {context}");
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        output.WriteLine($"heap growth {heapGrowth / 1024} KiB; {logs.Entries.Count} log entries: {string.Join(", ", logs.Entries.GroupBy(static e => e.EventId.Name).Select(static g => $"{g.Key} {g.Count()}"))}");
        Assert.True(heapGrowth < 128L * 1024 * 1024, $"the managed heap grew by {heapGrowth / (1024 * 1024)} MiB. {context}");
    }

    /// <summary>Sends one case on its own connection, closes the sending side, and drains answers briefly.</summary>
    private static async Task SendAsync(int port, FuzzCase fuzzCase)
    {
        using var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            var stream = client.GetStream();
            using var patience = new CancellationTokenSource(AnswerPatience);
            await stream.WriteAsync(fuzzCase.Bytes, patience.Token);
            client.Client.Shutdown(SocketShutdown.Send);
            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer, patience.Token) > 0)
            {
                // Whatever the broker answers to hostile input is fine; only the normal client's health matters.
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // Closed, reset or still waiting: all acceptable answers to a hostile frame.
        }
    }
}
