using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Tests.Cluster;

public sealed class ReplicaLogTests
{
    private static StoredBatch Batch(long baseOffset, int count, int epoch) =>
        new(baseOffset, baseOffset + count - 1, epoch, -1, 0, -1, -1, new byte[100], DateTimeOffset.UnixEpoch);

    [Fact]
    public void End_offset_for_an_epoch_is_where_the_next_epoch_starts()
    {
        var log = new ReplicaLog();
        log.Append(Batch(0, 5, 0));
        log.Append(Batch(5, 5, 0));
        log.Append(Batch(10, 3, 2));

        Assert.Equal(new EpochEndOffset(0, 10), log.EndOffsetForEpoch(0));
        Assert.Equal(new EpochEndOffset(0, 10), log.EndOffsetForEpoch(1));
        Assert.Equal(new EpochEndOffset(2, 13), log.EndOffsetForEpoch(2));
        Assert.True(log.EndOffsetForEpoch(5).IsUndefined);
        Assert.Equal(2, log.LatestEpoch);
    }

    [Fact]
    public void Truncation_removes_whole_batches_and_their_epochs()
    {
        var log = new ReplicaLog();
        log.Append(Batch(0, 5, 0));
        log.Append(Batch(5, 5, 1));

        var removed = log.TruncateTo(7);

        Assert.Equal(5, log.LogEndOffset);
        Assert.Equal(5, Assert.Single(removed).BaseOffset);
        Assert.Equal(0, log.LatestEpoch);
        Assert.Equal(100, log.SizeInBytes);
    }

    [Fact]
    public void Reads_start_at_the_batch_holding_the_offset_and_stop_below_the_limit()
    {
        var log = new ReplicaLog();
        for (var i = 0; i < 10; i++)
        {
            log.Append(Batch(i * 10, 10, 0));
        }

        Assert.Equal([20, 30, 40], log.Read(25, 50, int.MaxValue).Select(static b => b.BaseOffset));
        Assert.Equal([20, 30], log.Read(25, 100, 200).Select(static b => b.BaseOffset));
        Assert.Equal([90], log.Read(95, 100, 1).Select(static b => b.BaseOffset));
        Assert.Empty(log.Read(100, 200, 1000));
    }
}
