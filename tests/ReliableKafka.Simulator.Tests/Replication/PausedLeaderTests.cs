using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Replication;

/// <summary>A paused (SIGSTOP) leader does nothing, so its followers stay in the ISR and one takes over once it is fenced.</summary>
public sealed class PausedLeaderTests
{
    /// <summary>
    /// The followers are behind when the leader stops (an acks=1 record they never fetched). A stopped process runs no ISR
    /// check, so Kafka's controller, fencing the broker after broker.session.timeout.ms, elects one of them. Before the
    /// fix the paused leader kept shrinking its own ISR to itself, and the partition went offline instead.
    /// </summary>
    [Fact]
    public async Task A_paused_leader_does_not_shrink_its_isr_and_a_follower_takes_over_when_it_is_fenced()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions
        {
            ReplicaLagTimeMax = TimeSpan.FromSeconds(3),
            BrokerSessionTimeout = TimeSpan.FromSeconds(6),
        });
        cluster.CreateTopic("orders", new TopicSettings(1, 3, 1));
        var partition = cluster.FindPartition("orders", 0)!;
        var leader = partition.Leader;
        var followers = partition.ReplicaIds.Where(id => id != leader).ToArray();
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.Leader })
            .SetLogHandler(static (_, _) => { }).Build();
        foreach (var follower in followers)
        {
            cluster.Apply(new LagFollower(follower, "orders", Stop: true));
        }

        await producer.ProduceAsync("orders", new Message<Null, string> { Value = "unreplicated" });
        cluster.Apply(new PauseBroker(leader));
        var paused = cluster.Truth.LastSequence;

        await Eventually.WaitUntilAsync(() => followers.Contains(partition.Leader), TimeSpan.FromSeconds(30), "a follower leads once the paused leader is fenced",
            () => $"leader {partition.Leader}, ISR {{{string.Join(",", partition.Isr)}}}");

        var after = cluster.Truth.EventsAfter(paused);
        Assert.DoesNotContain(after, static e => e.Kind == TruthEventKind.IsrChanged && e.IsrChange == IsrChangeReason.Lagging);
        Assert.Contains(after, e => e.Kind == TruthEventKind.BrokerStateChanged && e.BrokerState == BrokerStateChange.Fenced && e.Broker == leader);
        Assert.Contains(after, static e => e.Kind == TruthEventKind.Elected && e.Election == ElectionKind.Clean);
    }
}
