using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Tests.Cluster;

/// <summary>
/// The idempotent producer's sequence and epoch rules, as Kafka's producer state enforces them. Each test follows a
/// test of Apache Kafka's <c>org.apache.kafka.storage.internals.log.ProducerStateManagerTest</c>, named in its summary.
/// </summary>
public sealed class ProducerStateTableTests
{
    private const long ProducerId = 1;
    private readonly ProducerStateTable _table = new();
    private long _nextOffset;

    private void Append(short epoch, int firstSequence, int lastSequence)
    {
        var count = lastSequence >= firstSequence ? lastSequence - firstSequence + 1 : (int.MaxValue - firstSequence) + lastSequence + 2;
        _table.Record(new StoredBatch(_nextOffset, _nextOffset + count - 1, 0, ProducerId, epoch, firstSequence, lastSequence, new byte[64], DateTimeOffset.UnixEpoch));
        _nextOffset += count;
    }

    private SequenceVerdict Check(short epoch, int firstSequence, int lastSequence) => _table.Check(ProducerId, epoch, firstSequence, lastSequence, out _);

    /// <summary>ProducerStateManagerTest.testBasicIdMapping: in-order sequences append, gaps are out of order, a new epoch starts at 0, an older epoch is fenced.</summary>
    [Fact]
    public void Sequences_follow_on_per_epoch_and_an_older_epoch_is_refused()
    {
        Assert.Equal(SequenceVerdict.Append, Check(0, 0, 0));
        Append(0, 0, 0);
        Assert.Equal(SequenceVerdict.Append, Check(0, 1, 1));
        Append(0, 1, 1);

        Assert.Equal(SequenceVerdict.OutOfOrder, Check(0, 5, 5));
        Assert.Equal(SequenceVerdict.Append, Check(1, 0, 0));
        Append(1, 0, 0);
        Assert.Equal(SequenceVerdict.StaleEpoch, Check(0, 2, 2));
        Assert.Equal(SequenceVerdict.OutOfOrder, Check(2, 3, 3));
    }

    /// <summary>ProducerStateManagerTest.testProducerSequenceWrapAround: after int.MaxValue the next sequence is 0.</summary>
    [Fact]
    public void The_sequence_after_int_max_is_zero()
    {
        Append(15, int.MaxValue, int.MaxValue);

        Assert.Equal(SequenceVerdict.Append, Check(15, 0, 0));
    }

    /// <summary>ProducerStateManagerTest.testProducerSequenceInvalidWrapAround: after int.MaxValue, 1 is out of order.</summary>
    [Fact]
    public void Skipping_zero_after_int_max_is_out_of_order()
    {
        Append(15, int.MaxValue, int.MaxValue);

        Assert.Equal(SequenceVerdict.OutOfOrder, Check(15, 1, 1));
    }

    /// <summary>ProducerStateManagerTest.testProducerSequenceWithWrapAroundBatchRecord: a batch may wrap around int.MaxValue.</summary>
    [Fact]
    public void A_batch_that_wraps_around_is_followed_by_its_last_sequence_plus_one()
    {
        Append(15, int.MaxValue - 10, 9);

        Assert.Equal(SequenceVerdict.Append, Check(15, 10, 12));
        Assert.Equal(SequenceVerdict.Duplicate, Check(15, int.MaxValue - 10, 9));
    }

    /// <summary>
    /// ProducerStateManagerTest.testAcceptAppendWithoutProducerStateOnReplica and the "no current producer epoch"
    /// rule of ProducerAppendInfo.checkSequence: a producer with no state (its records gone) is accepted at any sequence.
    /// </summary>
    [Fact]
    public void A_producer_without_state_is_accepted_at_any_sequence()
    {
        Assert.Equal(SequenceVerdict.Append, Check(3, 42, 44));
    }

    /// <summary>
    /// ProducerStateEntry.NUM_BATCHES_TO_RETAIN (UnifiedLog's duplicate check): a retry of one of the last five batches
    /// is a duplicate answered with its offset; an older one is out of order.
    /// </summary>
    [Fact]
    public void Only_the_last_five_batches_are_recognised_as_duplicates()
    {
        for (var i = 0; i < 6; i++)
        {
            Append(0, i * 2, (i * 2) + 1);
        }

        Assert.Equal(SequenceVerdict.Duplicate, _table.Check(ProducerId, 0, 2, 3, out var original));
        Assert.Equal(2, original);
        Assert.Equal(SequenceVerdict.OutOfOrder, Check(0, 0, 1));
    }
}
