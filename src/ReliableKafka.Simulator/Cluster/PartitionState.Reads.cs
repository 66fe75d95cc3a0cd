using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class PartitionState
{
    /// <summary>The leader's log start offset and high watermark (ListOffsets earliest and latest).</summary>
    public (KafkaErrorCode Error, long LogStartOffset, long HighWatermark) Offsets(int brokerId)
    {
        lock (_gate)
        {
            return brokerId != Leader
                ? (Leader < 0 ? KafkaErrorCode.LeaderNotAvailable : KafkaErrorCode.NotLeaderOrFollower, -1, -1)
                : (KafkaErrorCode.None, _replicas[Leader].Log.LogStartOffset, HighWatermark);
        }
    }

    /// <summary>What a consumer fetch at <paramref name="offset"/> gets from <paramref name="brokerId"/>: batches below the high watermark.</summary>
    public ConsumerRead ReadForConsumer(int brokerId, long offset, int maxBytes)
    {
        lock (_gate)
        {
            if (brokerId != Leader)
            {
                return new ConsumerRead(Leader < 0 ? KafkaErrorCode.LeaderNotAvailable : KafkaErrorCode.NotLeaderOrFollower, -1, -1, []);
            }

            var log = _replicas[Leader].Log;
            if (offset < log.LogStartOffset || offset > log.LogEndOffset)
            {
                return new ConsumerRead(KafkaErrorCode.OffsetOutOfRange, HighWatermark, log.LogStartOffset, []);
            }

            return new ConsumerRead(KafkaErrorCode.None, HighWatermark, log.LogStartOffset, log.Read(offset, HighWatermark, maxBytes));
        }
    }
}
