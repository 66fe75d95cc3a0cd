using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using ReliableKafka.Testing;

namespace ReliableKafka.Cli.Tests.Proofs;

/// <summary>
/// A cluster started the way users start it, <c>rk cluster</c> as a child process, with its faults applied through
/// the control API, for the commands that talk to a cluster (doctor, dlq).
/// </summary>
internal sealed class ProofCluster : IAsyncDisposable
{
    private readonly RkProcess _process;

    private ProofCluster(RkProcess process, string bootstrap, int controlPort)
    {
        _process = process;
        BootstrapServers = bootstrap;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{controlPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string BootstrapServers { get; }

    public HttpClient Http { get; }

    public IEnumerable<int> BrokerIds => [1, 2, 3];

    /// <summary>Starts three brokers on free ports with the given extra flags (topics, timeouts).</summary>
    public static async Task<ProofCluster> StartAsync(params string[] extra)
    {
        var (rk, bootstrap, controlPort) = await RkCluster.StartAsync(extra);
        return new ProofCluster(rk, bootstrap, controlPort);
    }

    public Task CrashAsync(int broker) => PostAsync($"/brokers/{broker}/crash", null);

    public Task RestartAsync(int broker) => PostAsync($"/brokers/{broker}/restart", null);

    /// <summary>Applies a fault (a POST /faults body) and returns its id.</summary>
    public async Task<string> FaultAsync(object body)
    {
        var response = await Http.PostAsJsonAsync("/faults", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public async Task RemoveFaultAsync(string id) => Assert.True((await Http.DeleteAsync($"/faults/{id}")).IsSuccessStatusCode);

    /// <summary>Stops (or restarts) one follower's replication of a partition.</summary>
    public Task<string> StopFollowerAsync(string topic, int partition, int broker) =>
        FaultAsync(new { kind = "follower-lag", topic, partition, broker, stop = true });

    /// <summary>One partition as GET /cluster shows it.</summary>
    public async Task<PartitionView> PartitionAsync(string topic, int partition = 0)
    {
        var cluster = await Http.GetFromJsonAsync<JsonElement>("/cluster");
        var entry = cluster.GetProperty("topics").EnumerateArray().Single(t => t.GetProperty("name").GetString() == topic).GetProperty("partitions")[partition];
        return new PartitionView(
            entry.GetProperty("leader").GetInt32(),
            entry.GetProperty("leaderEpoch").GetInt32(),
            [.. entry.GetProperty("isr").EnumerateArray().Select(static i => i.GetInt32())],
            entry.GetProperty("highWatermark").GetInt64(),
            entry.GetProperty("logEndOffset").GetInt64());
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the partition, or fails after <paramref name="timeout"/>.</summary>
    public async Task<PartitionView> WaitForAsync(string topic, Func<PartitionView, bool> condition, TimeSpan timeout, string what)
    {
        PartitionView? view = null;
        await Eventually.WaitUntilAsync(async () => condition(view = await PartitionAsync(topic)), timeout, what, () => $"Partition is {view}.");
        return view!;
    }

    public IProducer<string, string> Producer(Acks acks, bool idempotence, int maxInFlight = 5, int messageTimeoutMs = 30000) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            ClientId = "proof-producer",
            Acks = acks,
            EnableIdempotence = idempotence,
            MaxInFlight = maxInFlight,
            LingerMs = 0,
            RequestTimeoutMs = 1000,
            SocketTimeoutMs = 1000,
            MessageTimeoutMs = messageTimeoutMs,
            RetryBackoffMs = 50,
            TopicMetadataRefreshIntervalMs = 500,
        }).SetLogHandler(static (_, _) => { }).Build();

    /// <summary>Reads a partition from the start up to its high watermark: (offset, value) in log order.</summary>
    public async Task<List<(long Offset, string Value)>> DrainAsync(string topic, int partition = 0)
    {
        var end = (await PartitionAsync(topic, partition)).HighWatermark;
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = "proof-drain", EnablePartitionEof = true })
            .SetLogHandler(static (_, _) => { }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, partition, Offset.Beginning));
        var records = new List<(long, string)>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is { IsPartitionEOF: true } && record.Offset.Value >= end)
            {
                break;
            }

            if (record is { IsPartitionEOF: false })
            {
                records.Add((record.Offset.Value, record.Message.Value));
            }
        }

        return records;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
    }

    private async Task PostAsync(string path, object? body)
    {
        var response = body is null ? await Http.PostAsync(path, null) : await Http.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>A partition as the control API reports it.</summary>
internal sealed record PartitionView(int Leader, int LeaderEpoch, IReadOnlyList<int> Isr, long HighWatermark, long LogEndOffset)
{
    public override string ToString() => $"leader {Leader}, epoch {LeaderEpoch}, ISR {{{string.Join(",", Isr)}}}, HW {HighWatermark}, LEO {LogEndOffset}";
}

