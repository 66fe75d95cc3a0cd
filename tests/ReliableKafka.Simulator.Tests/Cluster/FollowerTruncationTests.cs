using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Tests.Cluster;

/// <summary>
/// Where a follower truncates when it starts to follow a new leader (KIP-101, KIP-279). Each test follows a test of
/// Apache Kafka's replica fetcher, named in its summary (<c>kafka.server.AbstractFetcherThreadTest</c> or
/// <c>kafka.server.ReplicaFetcherThreadTest</c>), on logs built the same way.
/// </summary>
public sealed class FollowerTruncationTests
{
    /// <summary>A log of one batch per (epoch, first offset, last offset) segment, in order.</summary>
    private static ReplicaLog Log(params (int Epoch, long First, long Last)[] segments)
    {
        var log = new ReplicaLog();
        foreach (var (epoch, first, last) in segments)
        {
            log.Append(new StoredBatch(first, last, epoch, -1, 0, -1, -1, new byte[64], DateTimeOffset.UnixEpoch));
        }

        return log;
    }

    /// <summary>A leader's log: its batches, plus its own epoch recorded at its log end offset when it was elected.</summary>
    private static ReplicaLog Leader(int epoch, params (int Epoch, long First, long Last)[] segments)
    {
        var log = Log(segments);
        log.Epochs.Assign(epoch, log.LogEndOffset);
        return log;
    }

    /// <summary>Reconciles and describes the outcome: the follower's new log end offset and the base offsets of the batches removed.</summary>
    private static string Reconcile(ReplicaLog follower, ReplicaLog leader, long highWatermark = 0)
    {
        var removed = FollowerTruncation.Reconcile(follower, leader, highWatermark);
        return $"end {follower.LogEndOffset}, removed [{string.Join(",", removed.Select(static b => b.BaseOffset))}]";
    }

    /// <summary>AbstractFetcherThreadTest.testTruncation: every epoch differs, so the follower truncates round by round to nothing.</summary>
    [Fact]
    public void A_follower_whose_epochs_all_differ_from_the_leaders_truncates_in_rounds_to_the_common_prefix()
    {
        var follower = Log((0, 0, 0), (2, 1, 1), (4, 2, 2));
        var leader = Leader(5, (1, 0, 0), (3, 1, 1), (5, 2, 2));

        Assert.Equal("end 0, removed [0,1,2]", Reconcile(follower, leader));
    }

    /// <summary>ReplicaFetcherThreadTest.shouldTruncateToOffsetSpecifiedInEpochOffsetResponse: the leader's epoch ends before the follower's does.</summary>
    [Fact]
    public void A_follower_truncates_to_where_the_leader_says_their_shared_epoch_ends()
    {
        var follower = Log((0, 0, 99), (5, 100, 155), (5, 156, 199));
        var leader = Leader(6, (0, 0, 99), (5, 100, 155), (6, 156, 170));

        Assert.Equal("end 156, removed [156]", Reconcile(follower, leader));
    }

    /// <summary>ReplicaFetcherThreadTest.shouldTruncateToOffsetSpecifiedInEpochOffsetResponseIfFollowerHasNoMoreEpochs: the leader answers with an older epoch, which the follower has and ends earlier.</summary>
    [Fact]
    public void When_the_leader_lacks_the_followers_latest_epoch_the_follower_keeps_the_shorter_end_of_the_epoch_below()
    {
        var follower = Log((0, 0, 99), (4, 100, 149), (5, 150, 199));
        var leader = Leader(6, (0, 0, 99), (4, 100, 149), (4, 150, 155), (6, 156, 160));

        Assert.Equal("end 150, removed [150]", Reconcile(follower, leader));
    }

    /// <summary>ReplicaFetcherThreadTest.shouldFetchLeaderEpochSecondTimeIfLeaderRepliesWithEpochNotKnownToFollower (KIP-279).</summary>
    [Fact]
    public void When_the_leader_names_an_epoch_the_follower_never_saw_the_follower_cuts_back_and_asks_again()
    {
        var follower = Log((0, 0, 99), (3, 100, 100), (3, 101, 119), (5, 120, 199));
        var leader = Leader(7, (0, 0, 99), (3, 100, 100), (4, 101, 154), (7, 155, 160));

        Assert.Equal("end 101, removed [101,120]", Reconcile(follower, leader));
    }

    /// <summary>ReplicaFetcherThreadTest.shouldTruncateToInitialFetchOffsetIfLeaderReturnsUndefinedOffset and AbstractFetcherThreadTest.testTruncateToHighWatermarkIfLeaderEpochInfoNotAvailable.</summary>
    [Fact]
    public void When_the_leader_knows_no_epoch_the_follower_truncates_to_the_high_watermark()
    {
        var follower = Log((0, 0, 0), (2, 1, 1), (4, 2, 2));
        var leader = new ReplicaLog();

        Assert.Equal("end 2, removed [2]", Reconcile(follower, leader, highWatermark: 2));
    }

    /// <summary>AbstractFetcherThreadTest.testTruncationSkippedIfNoEpochChange: a follower that is a prefix of the leader keeps everything.</summary>
    [Fact]
    public void A_follower_that_is_a_prefix_of_the_leader_keeps_its_log()
    {
        var follower = Log((0, 0, 4), (1, 5, 9));
        var leader = Leader(2, (0, 0, 4), (1, 5, 12));

        Assert.Equal("end 10, removed []", Reconcile(follower, leader));
    }

    /// <summary>
    /// Replicas [L, A, B]: epoch 0 wrote offsets 0-4 (A has only 0-2); A led epoch 1 and wrote 3-7; B, which had 0-4,
    /// led epoch 2 and wrote 5. A must drop everything from 3: its epoch 1 is unknown to B, whose answer is epoch 0
    /// ending at 5, and A's epoch 0 ends at 3.
    /// </summary>
    [Fact]
    public void A_follower_drops_an_epoch_the_leader_never_had_even_when_the_leaders_log_is_as_long()
    {
        var a = Log((0, 0, 2), (1, 3, 7));
        var b = Leader(2, (0, 0, 2), (0, 3, 4), (2, 5, 5));

        Assert.Equal("end 3, removed [3]", Reconcile(a, b, highWatermark: 3));
    }

    /// <summary>A leader elected without writing yet still names its epoch: a follower ahead in an older epoch is cut back to where that epoch starts.</summary>
    [Fact]
    public void A_leader_that_wrote_nothing_in_its_epoch_still_bounds_the_followers_older_epoch()
    {
        var follower = Log((0, 0, 4), (1, 5, 6), (1, 7, 9));
        var leader = Leader(2, (0, 0, 4), (1, 5, 6));

        Assert.Equal("end 7, removed [7]", Reconcile(follower, leader));
    }

    /// <summary>
    /// UnifiedLog.truncateTo's rule: a truncation at or past the log end still cuts the epoch cache there. A former
    /// leader that was elected in epoch 2 and appended nothing keeps an entry for epoch 2 at its log end; without the cut
    /// it would ask about epoch 2 forever and keep epoch-0 records the new leader never had.
    /// </summary>
    [Fact]
    public void A_former_leader_that_appended_nothing_in_its_epoch_still_truncates_to_the_new_leader()
    {
        var follower = Log((0, 0, 1), (0, 2, 4));
        follower.Epochs.Assign(2, 5);
        var leader = Leader(3, (1, 0, 0), (1, 1, 3));

        Assert.Equal("end 0, removed [0,2]", Reconcile(follower, leader));
        Assert.Empty(follower.Epochs.Entries);
    }
}
