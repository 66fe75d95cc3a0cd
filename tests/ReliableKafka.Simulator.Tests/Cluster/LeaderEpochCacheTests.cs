using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Tests.Cluster;

/// <summary>
/// The leader-epoch cache answers as Kafka's does. Each test follows a test of Apache Kafka's
/// <c>kafka.server.epoch.LeaderEpochFileCacheTest</c>, named in its summary.
/// </summary>
public sealed class LeaderEpochCacheTests
{
    private readonly LeaderEpochCache _cache = new();

    private static EpochEndOffset End(int epoch, long offset) => new(epoch, offset);

    /// <summary>LeaderEpochFileCacheTest.shouldAddEpochAndMessageOffsetToCache</summary>
    [Fact]
    public void An_assigned_epoch_is_the_latest_and_ends_at_the_log_end_offset()
    {
        _cache.Assign(2, 10);

        Assert.Equal(2, _cache.LatestEpoch);
        Assert.Equal([(2, 10L)], _cache.Entries);
        Assert.Equal(End(2, 11), _cache.EndOffsetFor(2, 11));
    }

    /// <summary>LeaderEpochFileCacheTest.shouldReturnLogEndOffsetIfLatestEpochRequested</summary>
    [Fact]
    public void The_latest_epoch_ends_at_the_log_end_offset()
    {
        _cache.Assign(2, 11);
        _cache.Assign(2, 12);

        Assert.Equal(End(2, 14), _cache.EndOffsetFor(2, 14));
    }

    /// <summary>LeaderEpochFileCacheTest.shouldReturnUndefinedOffsetIfUndefinedEpochRequested and shouldReturnUnsupportedIfNoEpochRecordedAndUndefinedEpochRequested</summary>
    [Fact]
    public void The_undefined_epoch_has_an_undefined_end_whether_or_not_the_cache_is_empty()
    {
        Assert.Equal(EpochEndOffset.Undefined, _cache.EndOffsetFor(-1, 73));

        _cache.Assign(2, 11);
        _cache.Assign(3, 12);

        Assert.Equal(EpochEndOffset.Undefined, _cache.EndOffsetFor(-1, 0));
    }

    /// <summary>LeaderEpochFileCacheTest.shouldNotOverwriteLogEndOffsetForALeaderEpochOnceItHasBeenAssigned, shouldNotOverwriteOffsetForALeaderEpochOnceItHasBeenAssigned and shouldNotUpdateEpochAndStartOffsetIfItDidNotChange</summary>
    [Fact]
    public void An_epoch_keeps_its_first_start_offset()
    {
        _cache.Assign(2, 6);
        _cache.Assign(2, 7);
        _cache.Assign(2, 10);

        Assert.Equal([(2, 6L)], _cache.Entries);
    }

    /// <summary>LeaderEpochFileCacheTest.shouldEnforceMonotonicallyIncreasingStartOffsets</summary>
    [Fact]
    public void A_new_epoch_at_the_same_offset_replaces_the_old_one()
    {
        _cache.Assign(2, 9);
        _cache.Assign(3, 9);

        Assert.Equal([(3, 9L)], _cache.Entries);
    }

    /// <summary>LeaderEpochFileCacheTest.shouldReturnUnsupportedIfNoEpochRecorded</summary>
    [Fact]
    public void An_empty_cache_knows_no_epoch()
    {
        Assert.Equal(EpochEndOffset.Undefined, _cache.EndOffsetFor(0, 0));
    }

    /// <summary>LeaderEpochFileCacheTest.shouldReturnFirstEpochIfRequestedEpochLessThanFirstEpoch</summary>
    [Fact]
    public void An_epoch_older_than_every_entry_ends_where_the_first_entry_starts()
    {
        _cache.Assign(5, 11);
        _cache.Assign(6, 12);
        _cache.Assign(7, 13);

        Assert.Equal(End(4, 11), _cache.EndOffsetFor(4, 0));
    }

    /// <summary>LeaderEpochFileCacheTest.shouldTruncateIfMatchingEpochButEarlierStartingOffset</summary>
    [Fact]
    public void The_latest_epoch_at_an_earlier_offset_drops_entries_that_no_longer_grow()
    {
        _cache.Assign(5, 11);
        _cache.Assign(6, 12);
        _cache.Assign(7, 13);

        _cache.Assign(7, 12);

        Assert.Equal(End(5, 12), _cache.EndOffsetFor(5, 0));
        Assert.Equal(End(5, 12), _cache.EndOffsetFor(6, 0));
    }

    /// <summary>LeaderEpochFileCacheTest.shouldGetFirstOffsetOfSubsequentEpochWhenOffsetRequestedForPreviousEpoch</summary>
    [Fact]
    public void An_older_epoch_ends_where_the_next_one_starts()
    {
        _cache.Assign(1, 11);
        _cache.Assign(1, 12);
        _cache.Assign(2, 13);
        _cache.Assign(2, 14);
        _cache.Assign(3, 15);
        _cache.Assign(3, 16);

        Assert.Equal(End(2, 15), _cache.EndOffsetFor(2, 17));
    }

    /// <summary>LeaderEpochFileCacheTest.shouldReturnNextAvailableEpochIfThereIsNoExactEpochForTheOneRequested</summary>
    [Fact]
    public void A_missing_epoch_is_answered_with_the_largest_epoch_below_it()
    {
        _cache.Assign(0, 10);
        _cache.Assign(2, 13);
        _cache.Assign(4, 17);

        Assert.Equal(End(0, 13), _cache.EndOffsetFor(1, 0));
        Assert.Equal(End(2, 17), _cache.EndOffsetFor(2, 0));
        Assert.Equal(End(2, 17), _cache.EndOffsetFor(3, 0));
    }

    /// <summary>LeaderEpochFileCacheTest.shouldReturnInvalidOffsetIfEpochIsRequestedWhichIsNotCurrentlyTracked</summary>
    [Fact]
    public void An_epoch_newer_than_every_entry_is_undefined()
    {
        _cache.Assign(2, 100);

        Assert.Equal(EpochEndOffset.Undefined, _cache.EndOffsetFor(3, 100));
    }

    /// <summary>LeaderEpochFileCacheTest.shouldEnforceMonotonicallyIncreasingEpochs</summary>
    [Fact]
    public void An_older_epoch_assigned_later_replaces_the_newer_ones()
    {
        _cache.Assign(1, 5);
        _cache.Assign(2, 6);
        _cache.Assign(1, 7);

        Assert.Equal([(1, 7L)], _cache.Entries);
        Assert.Equal(End(1, 8), _cache.EndOffsetFor(1, 8));
        Assert.Equal(EpochEndOffset.Undefined, _cache.EndOffsetFor(2, 8));
    }

    /// <summary>LeaderEpochFileCacheTest.shouldEnforceOffsetsIncreaseMonotonically</summary>
    [Fact]
    public void A_newer_epoch_at_an_earlier_offset_replaces_the_conflicting_entry()
    {
        _cache.Assign(2, 6);
        _cache.Assign(3, 5);

        Assert.Equal([(3, 5L)], _cache.Entries);
    }

    /// <summary>LeaderEpochFileCacheTest.shouldDropEntriesOnEpochBoundaryWhenRemovingLatestEntries and shouldDropEntriesBetweenEpochBoundaryWhenRemovingNewest</summary>
    [Theory]
    [InlineData(8, new[] { 2 })]
    [InlineData(9, new[] { 2, 3 })]
    [InlineData(11, new[] { 2, 3 })]
    [InlineData(12, new[] { 2, 3, 4 })]
    public void Truncating_the_end_drops_the_epochs_that_start_at_or_after_it(long endOffset, int[] kept)
    {
        _cache.Assign(2, 6);
        _cache.Assign(3, 8);
        _cache.Assign(4, 11);

        _cache.TruncateFromEnd(endOffset);

        Assert.Equal(kept, _cache.Entries.Select(static e => e.Epoch));
    }
}
