namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// Where a follower cuts its log when it starts to follow a new leader: KIP-101 with KIP-279's rounds, as Kafka's
/// replica fetcher does it with OffsetForLeaderEpoch.
/// </summary>
internal static class FollowerTruncation
{
    /// <summary>
    /// Truncates <paramref name="follower"/> until it is a prefix of what <paramref name="leader"/> holds in the epochs
    /// they share, and returns the batches removed (oldest first). Each round asks the leader where the follower's
    /// latest epoch ends: the leader answers with the largest epoch it has at most that one, and where it ends. When the
    /// follower also has that epoch it truncates to the smaller of the two end offsets and is done; when it does not, it
    /// truncates to the end of its own largest epoch below the leader's answer and asks again. When the leader knows no
    /// such epoch, the follower truncates to <paramref name="highWatermark"/>.
    /// </summary>
    public static IReadOnlyList<StoredBatch> Reconcile(ReplicaLog follower, ReplicaLog leader, long highWatermark)
    {
        List<StoredBatch> removed = [];
        while (follower.LogEndOffset > follower.LogStartOffset)
        {
            var endOffset = follower.LogEndOffset;
            var latest = follower.LatestEpoch;
            var answer = leader.EndOffsetForEpoch(latest);
            long target;
            var done = true;
            if (answer.IsUndefined)
            {
                target = Math.Min(highWatermark, endOffset);
            }
            else
            {
                var own = follower.EndOffsetForEpoch(answer.Epoch);
                if (own.IsUndefined)
                {
                    // The follower kept no epoch at or below the leader's answer: the leader's offset is the bound.
                    target = Math.Min(answer.EndOffset, endOffset);
                }
                else if (own.Epoch != answer.Epoch)
                {
                    // The follower never saw the epoch the leader named: cut back to the end of its own largest epoch
                    // below it, then ask again with the new latest epoch.
                    target = Math.Min(own.EndOffset, endOffset);
                    done = false;
                }
                else
                {
                    target = Math.Min(Math.Min(own.EndOffset, answer.EndOffset), endOffset);
                }
            }

            // Also at or past the log end: the follower's epoch cache is then cut at its log end (see ReplicaLog.TruncateTo).
            removed.InsertRange(0, follower.TruncateTo(target));

            if (done || (follower.LogEndOffset == endOffset && follower.LatestEpoch == latest))
            {
                break;
            }
        }

        return removed;
    }
}
