using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Cluster;

public sealed class PartitionStateTests
{
    private readonly ManualClock _clock = new();
    private readonly GroundTruth _truth = new();

    private PartitionState NewPartition(int minIsr = 2, bool unclean = false) =>
        new("orders", 0, [1, 2, 3], new TopicSettings(1, 3, minIsr, unclean), _clock, _truth);

    private static IncomingBatch Batch(int records = 1, long producerId = -1, short epoch = 0, int sequence = -1) =>
        new(new byte[61 + (10 * records)], producerId, epoch, sequence, records - 1);

    [Fact]
    public async Task Acks_all_waits_until_every_in_sync_follower_has_the_batch()
    {
        var partition = NewPartition();

        var appended = partition.AppendAsLeader(1, Batch(records: 3), acks: -1);
        var wait = partition.WaitForHighWatermark(appended.LastOffset + 1);

        Assert.Equal((KafkaErrorCode.None, 0L, 2L), (appended.Error, appended.BaseOffset, appended.LastOffset));
        Assert.False(wait.IsCompleted);
        Assert.Equal(0, partition.HighWatermark);
        Assert.Empty(partition.ReadForConsumer(1, 0, 1 << 20).Batches);

        partition.ReplicateTo(2);
        Assert.False(wait.IsCompleted);
        partition.ReplicateTo(3);

        Assert.Equal(KafkaErrorCode.None, await wait);
        Assert.Equal(3, partition.HighWatermark);
        Assert.Single(partition.ReadForConsumer(1, 0, 1 << 20).Batches);
        Assert.Equal(KafkaErrorCode.NotLeaderOrFollower, partition.ReadForConsumer(2, 0, 1 << 20).Error);
    }

    [Fact]
    public void Appends_get_consecutive_offsets_and_the_leader_epoch_is_written_into_the_batch()
    {
        var partition = NewPartition();

        var first = partition.AppendAsLeader(1, Batch(records: 5), acks: 1);
        var second = partition.AppendAsLeader(1, Batch(records: 2), acks: 1);
        var stored = partition.BatchesOf(1);

        Assert.Equal((5L, 6L), (second.BaseOffset, second.LastOffset));
        Assert.Equal(0, first.BaseOffset);
        Assert.Equal(5, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(stored[1].Data.Span));
        Assert.Equal(0, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(stored[1].Data.Span[12..]));
    }

    [Fact]
    public void An_idempotent_retry_is_answered_with_its_original_offset_and_not_appended_again()
    {
        var partition = NewPartition();
        partition.AppendAsLeader(1, Batch(records: 2, producerId: 7, sequence: 0), acks: -1);
        var original = partition.AppendAsLeader(1, Batch(records: 3, producerId: 7, sequence: 2), acks: -1);

        var retry = partition.AppendAsLeader(1, Batch(records: 3, producerId: 7, sequence: 2), acks: -1);
        var gap = partition.AppendAsLeader(1, Batch(records: 1, producerId: 7, sequence: 9), acks: -1);
        var stale = partition.AppendAsLeader(1, Batch(records: 1, producerId: 7, epoch: -1, sequence: 5), acks: -1);

        Assert.True(retry.Duplicate);
        Assert.Equal((original.BaseOffset, original.LastOffset), (retry.BaseOffset, retry.LastOffset));
        Assert.Equal(5, partition.LogEndOffset(1));
        Assert.Equal(KafkaErrorCode.OutOfOrderSequenceNumber, gap.Error);
        Assert.Equal(KafkaErrorCode.InvalidProducerEpoch, stale.Error);
        Assert.Contains(_truth.Events, static e => e.Kind == TruthEventKind.Deduplicated && e.FirstOffset == 2);
    }

    [Fact]
    public void A_new_leader_deduplicates_because_followers_replicate_producer_state()
    {
        var partition = NewPartition();
        var original = partition.AppendAsLeader(1, Batch(records: 4, producerId: 11, sequence: 0), acks: -1);
        partition.ReplicateTo(2);
        partition.ReplicateTo(3);

        partition.OnBrokerDown(1);
        var retry = partition.AppendAsLeader(2, Batch(records: 4, producerId: 11, sequence: 0), acks: -1);

        Assert.Equal(2, partition.Leader);
        Assert.Equal(1, partition.LeaderEpoch);
        Assert.True(retry.Duplicate);
        Assert.Equal(original.BaseOffset, retry.BaseOffset);
        Assert.Equal(4, partition.LogEndOffset(2));
    }

    [Fact]
    public void A_stopped_follower_leaves_the_isr_after_the_lag_time_and_acks_all_is_then_refused_before_append()
    {
        var partition = NewPartition(minIsr: 3);
        partition.ReplicaOf(3).ReplicationStopped = true;
        partition.AppendAsLeader(1, Batch(), acks: 1);
        partition.ReplicateTo(2);
        partition.ReplicateTo(3);

        partition.ShrinkIsr(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 2, 3], partition.Isr);
        _clock.Advance(TimeSpan.FromSeconds(11));
        partition.ShrinkIsr(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 2], partition.Isr);

        var refused = partition.AppendAsLeader(1, Batch(), acks: -1);
        Assert.Equal(KafkaErrorCode.NotEnoughReplicas, refused.Error);
        Assert.Equal(1, partition.LogEndOffset(1));

        partition.ReplicaOf(3).ReplicationStopped = false;
        partition.ReplicateTo(3);
        Assert.Equal([1, 2, 3], partition.Isr);
        Assert.Equal(KafkaErrorCode.None, partition.AppendAsLeader(1, Batch(), acks: -1).Error);
    }

    [Fact]
    public void A_follower_that_keeps_up_at_a_steady_distance_stays_in_the_isr_while_a_stopped_one_leaves()
    {
        var partition = NewPartition(minIsr: 2);
        partition.ReplicaOf(2).ReplicationDelay = TimeSpan.FromMilliseconds(150);
        partition.ReplicaOf(3).ReplicationStopped = true;

        for (var i = 0; i < 30; i++)
        {
            partition.AppendAsLeader(1, Batch(), acks: 1);
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            partition.ReplicateTo(2);
            partition.ReplicateTo(3);
            partition.ShrinkIsr(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([1, 2], partition.Isr);
        Assert.Equal(1, partition.LogEndOffset(1) - partition.LogEndOffset(2));
        Assert.Equal(0, partition.LogEndOffset(3));
    }

    [Fact]
    public void Acks_1_records_the_followers_lacked_are_truncated_when_the_old_leader_returns()
    {
        var partition = NewPartition();
        partition.AppendAsLeader(1, Batch(records: 2), acks: 1);
        partition.ReplicateTo(2);
        partition.ReplicateTo(3);
        var lost = partition.AppendAsLeader(1, Batch(records: 3), acks: 1);

        partition.OnBrokerDown(1);
        Assert.Equal(2, partition.Leader);
        partition.AppendAsLeader(2, Batch(records: 1), acks: 1);
        partition.OnBrokerUp(1);
        partition.ReplicateTo(1);

        Assert.Equal(3, partition.LogEndOffset(1));
        Assert.Equal(partition.BatchesOf(2).Select(static b => b.BaseOffset), partition.BatchesOf(1).Select(static b => b.BaseOffset));
        var truncation = Assert.Single(_truth.Events, static e => e.Kind == TruthEventKind.Truncated);
        Assert.Equal((1, lost.BaseOffset, lost.LastOffset), (truncation.Broker, truncation.FirstOffset, truncation.LastOffset));
        Assert.Equal((1, 2), (truncation.LeaderEpoch, truncation.Leader));
    }

    [Fact]
    public void Without_unclean_election_a_partition_with_no_live_isr_member_stays_offline_until_one_returns()
    {
        var partition = NewPartition(minIsr: 1);
        partition.ReplicaOf(3).ReplicationStopped = true;
        partition.AppendAsLeader(1, Batch(), acks: 1);
        partition.ReplicateTo(2);
        _clock.Advance(TimeSpan.FromSeconds(31));
        partition.ShrinkIsr(TimeSpan.FromSeconds(30));
        Assert.Equal([1, 2], partition.Isr);

        partition.OnBrokerDown(2);
        partition.OnBrokerDown(1);

        Assert.Equal(-1, partition.Leader);
        Assert.Equal(KafkaErrorCode.LeaderNotAvailable, partition.ReadForConsumer(3, 0, 100).Error);
        partition.OnBrokerUp(3);
        Assert.Equal(-1, partition.Leader);
        partition.OnBrokerUp(1);
        Assert.Equal(1, partition.Leader);
    }

    [Fact]
    public void With_unclean_election_a_lagging_replica_becomes_leader_and_acknowledged_records_are_lost()
    {
        var partition = NewPartition(minIsr: 1, unclean: true);
        partition.ReplicaOf(3).ReplicationStopped = true;
        var acked = partition.AppendAsLeader(1, Batch(records: 4), acks: -1);
        partition.ReplicateTo(2);
        _clock.Advance(TimeSpan.FromSeconds(31));
        partition.ShrinkIsr(TimeSpan.FromSeconds(30));
        Assert.Equal(4, partition.HighWatermark);

        partition.OnBrokerDown(2);
        partition.OnBrokerDown(1);
        partition.ReplicaOf(3).ReplicationStopped = false;
        partition.OnBrokerUp(3);

        Assert.Equal(3, partition.Leader);
        Assert.Equal([3], partition.Isr);
        Assert.Equal(0, partition.LogEndOffset(3));
        Assert.True(acked.LastOffset >= partition.HighWatermark);
        var election = Assert.Single(_truth.Events, static e => e.Kind == TruthEventKind.Elected && e.Election == ElectionKind.Unclean);
        Assert.Equal(3, election.Broker);
        Assert.Equal([3], election.Isr!);
    }

    /// <summary>
    /// Kafka's new leader knows nothing of its followers' log ends until they fetch from it (Partition.makeLeader resets
    /// them to unknown): a follower that still holds the old leader's unreplicated acks=1 records must not count toward
    /// the high watermark before it has truncated them, or an acks=all write is acknowledged that a failover then loses.
    /// </summary>
    [Fact]
    public async Task A_new_leader_counts_a_follower_toward_the_high_watermark_only_after_it_fetched_in_the_new_epoch()
    {
        var partition = NewPartition();
        partition.AppendAsLeader(1, Batch(records: 1), acks: 1);
        Assert.Equal(KafkaErrorCode.None, partition.MoveLeader(2));

        var appended = partition.AppendAsLeader(2, Batch(records: 1), acks: -1);
        var wait = partition.WaitForHighWatermark(appended.LastOffset + 1);
        partition.ReplicateTo(3);

        Assert.Equal(0, partition.HighWatermark);
        Assert.False(wait.IsCompleted);

        partition.ReplicateTo(1);

        Assert.Equal(KafkaErrorCode.None, await wait);
        Assert.Equal(1, partition.HighWatermark);
        Assert.Equal(partition.BatchesOf(2), partition.BatchesOf(1));
    }

    /// <summary>After an election every in-sync follower gets a fresh lag window (Kafka resets lastCaughtUpTime), and one that has not fetched since is not caught up, however long its stale log.</summary>
    [Fact]
    public void After_a_leader_move_a_follower_that_never_fetches_again_leaves_the_isr_even_with_a_longer_stale_log()
    {
        var partition = NewPartition();
        partition.AppendAsLeader(1, Batch(records: 3), acks: 1);
        _clock.Advance(TimeSpan.FromSeconds(20));
        partition.MoveLeader(2);
        partition.ReplicaOf(1).ReplicationStopped = true;
        partition.AppendAsLeader(2, Batch(records: 1), acks: 1);
        partition.ReplicateTo(3);

        _clock.Advance(TimeSpan.FromSeconds(20));
        partition.ShrinkIsr(TimeSpan.FromSeconds(30));
        Assert.Equal([1, 2, 3], partition.Isr);

        _clock.Advance(TimeSpan.FromSeconds(11));
        partition.ShrinkIsr(TimeSpan.FromSeconds(30));
        Assert.Equal([2, 3], partition.Isr);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
