using Microsoft.Extensions.Time.Testing;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Tests.Cluster;

/// <summary>
/// ISR shrink and expansion and high watermark advance, as Kafka's leader decides them. Each test follows a test of
/// Apache Kafka's <c>kafka.cluster.PartitionTest</c>, named in its summary.
/// </summary>
public sealed class PartitionConformanceTests
{
    private static readonly TimeSpan LagTimeMax = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly GroundTruth _truth = new();

    private PartitionState NewPartition() => new("orders", 0, [1, 2, 3], new TopicSettings(1, 3, 1), _clock, _truth);

    private static IncomingBatch Batch(int records = 1) => new(new byte[61 + (10 * records)], -1, 0, -1, records - 1);

    /// <summary>
    /// PartitionTest.testFollowerDoesNotJoinISRUntilCaughtUpToOffsetWithinCurrentLeaderEpoch: a follower outside the ISR
    /// rejoins only once it reaches both the high watermark and the offset where the current leader's epoch starts.
    /// </summary>
    [Fact]
    public void A_follower_rejoins_the_isr_only_once_it_reaches_the_start_of_the_current_leader_epoch()
    {
        var partition = new PartitionState("orders", 0, [1, 2, 3, 4], new TopicSettings(1, 4, 1), _clock, _truth);
        partition.ReplicaOf(4).ReplicationStopped = true;
        partition.AppendAsLeader(1, Batch(2), acks: 1);
        partition.ReplicateTo(2);
        partition.ReplicateTo(3);
        _clock.Advance(LagTimeMax + TimeSpan.FromSeconds(1));
        partition.ShrinkIsr(LagTimeMax);
        Assert.Equal([1, 2, 3], partition.Isr);

        // Broker 3 copies only what is 5 s old, so it stays in the ISR at offset 2 while broker 2 takes offsets 2-4.
        partition.ReplicaOf(3).ReplicationDelay = TimeSpan.FromSeconds(5);
        partition.AppendAsLeader(1, Batch(3), acks: 1);
        partition.ReplicateTo(2);
        partition.MoveLeader(2);
        partition.ReplicateTo(1);
        partition.ReplicateTo(3);
        Assert.Equal((2L, 5L), (partition.HighWatermark, partition.LogEndOffset(2)));

        // Broker 4 catches up to the high watermark, but not to offset 5, where leader epoch 1 starts.
        partition.ReplicaOf(4).ReplicationStopped = false;
        partition.ReplicaOf(4).ReplicationDelay = TimeSpan.FromSeconds(5);
        partition.ReplicateTo(4);
        Assert.Equal(2, partition.LogEndOffset(4));
        Assert.Equal([1, 2, 3], partition.Isr);

        partition.ReplicaOf(4).ReplicationDelay = TimeSpan.Zero;
        partition.ReplicateTo(4);
        Assert.Equal([1, 2, 3, 4], partition.Isr);
    }

    /// <summary>PartitionTest.testShouldNotShrinkIsrIfFollowerCaughtUpToLogEnd: a follower at the leader's log end stays, however long since it last fetched new records.</summary>
    [Fact]
    public void A_follower_at_the_leaders_log_end_stays_in_the_isr_when_nothing_is_written()
    {
        var partition = NewPartition();
        partition.AppendAsLeader(1, Batch(10), acks: 1);
        partition.ReplicateTo(2);
        partition.ReplicateTo(3);

        _clock.Advance(LagTimeMax * 3);
        partition.ShrinkIsr(LagTimeMax);

        Assert.Equal([1, 2, 3], partition.Isr);
        Assert.Equal(10, partition.HighWatermark);
    }

    /// <summary>PartitionTest.testMaybeShrinkIsr: a follower that has not caught up for longer than replica.lag.time.max.ms leaves, and the high watermark then advances without it.</summary>
    [Fact]
    public void A_follower_behind_for_longer_than_the_lag_time_leaves_and_the_high_watermark_advances_without_it()
    {
        var partition = NewPartition();
        partition.ReplicaOf(3).ReplicationStopped = true;
        partition.AppendAsLeader(1, Batch(10), acks: 1);
        partition.ReplicateTo(2);
        Assert.Equal(0, partition.HighWatermark);

        _clock.Advance(LagTimeMax - TimeSpan.FromSeconds(1));
        partition.ShrinkIsr(LagTimeMax);
        Assert.Equal([1, 2, 3], partition.Isr);

        _clock.Advance(TimeSpan.FromSeconds(2));
        partition.ShrinkIsr(LagTimeMax);
        Assert.Equal([1, 2], partition.Isr);
        Assert.Equal(10, partition.HighWatermark);
    }

    /// <summary>PartitionTest.testIsrExpansion: a follower outside the ISR rejoins once it reaches the high watermark.</summary>
    [Fact]
    public void A_follower_rejoins_once_it_reaches_the_high_watermark()
    {
        var partition = NewPartition();
        partition.ReplicaOf(3).ReplicationStopped = true;
        partition.AppendAsLeader(1, Batch(5), acks: 1);
        partition.ReplicateTo(2);
        _clock.Advance(LagTimeMax + TimeSpan.FromSeconds(1));
        partition.ShrinkIsr(LagTimeMax);
        Assert.Equal([1, 2], partition.Isr);

        partition.ReplicaOf(3).ReplicationStopped = false;
        partition.ReplicateTo(3);

        Assert.Equal([1, 2, 3], partition.Isr);
    }
}
