using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;

namespace ReliableKafka.Cli.Tests.Cluster;

/// <summary>
/// One replication proof end to end, the way users run it: <c>rk cluster</c> as a process, the fault applied and the
/// ground truth read over HTTP through its control API. The other proofs run in process (ReliableKafka.Simulator.Tests/Proofs).
/// </summary>
public sealed class EndToEndProofTests
{
    [Fact]
    public async Task EndToEnd_lost_acknowledgements_through_rk_cluster_and_its_control_api_are_deduplicated_with_idempotence()
    {
        var (rk, bootstrap, controlPort) = await RkCluster.StartAsync("--topic", "payments:1:3:2");
        await using var _ = rk;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{controlPort}/"), Timeout = TimeSpan.FromSeconds(10) };
        var control = new SimulatorControlClient(http);
        var leader = (await control.GetClusterAsync()).Value!.Topics.Single(static t => t.Name == "payments").Partitions[0].Leader;
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = Acks.All,
            EnableIdempotence = true,
            MaxInFlight = 1,
            LingerMs = 0,
            RequestTimeoutMs = 1000,
            SocketTimeoutMs = 1000,
            RetryBackoffMs = 50,
        }).SetLogHandler(static (_, _) => { }).Build();

        var offsets = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            if (i == 5)
            {
                var drop = await control.ApplyAsync(new DropProduceResponses(leader, Count: 2));
                Assert.True(drop.IsSuccess, drop.Json);
                Assert.Equal(2, drop.Value!.Remaining);
            }

            offsets.Add((await producer.ProduceAsync("payments", new Message<string, string> { Key = "k", Value = $"payment-{i}" })).Offset.Value);
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(static i => (long)i), offsets);
        var events = (await control.GetEventsAsync(new EventQuery())).Value!;
        Assert.Equal(2, events.Count(static e => e.Kind == TruthEventKind.ResponseDropped && e.Api == Simulator.Protocol.ApiKey.Produce));
        Assert.Equal(20, events.Where(static e => e.Kind == TruthEventKind.Appended && e.Topic == "payments").Sum(static e => e.LastOffset - e.FirstOffset + 1));
        Assert.Contains(events, static e => e.Kind == TruthEventKind.Deduplicated && e.Topic == "payments" && e.FirstSequence is not null);
        Assert.Empty((await control.GetFaultsAsync()).Value!);
    }
}
