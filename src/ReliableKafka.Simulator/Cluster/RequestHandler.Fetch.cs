using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>Fetch, ListOffsets and OffsetForLeaderEpoch: reads up to the high watermark, and where epochs end.</summary>
internal sealed partial class RequestHandler
{
    /// <summary>Fetch, in its non-flexible versions: long poll until MinBytes or MaxWaitMs; no fetch sessions.</summary>
    private static readonly ApiRegistration FetchApi = new(ApiKey.Fetch, 4, 11, static async (handler, broker, header, body, token) =>
        Respond(header, await handler.FetchAsync(broker, FetchRequest.Read(ref body, header.ApiVersion), token).ConfigureAwait(false)));

    /// <summary>ListOffsets, in its non-flexible versions: earliest, latest and by timestamp.</summary>
    private static readonly ApiRegistration ListOffsetsApi = new(ApiKey.ListOffsets, 1, 5, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.ListOffsets(broker, ListOffsetsRequest.Read(ref body, header.ApiVersion)))));

    /// <summary>OffsetForLeaderEpoch, in its non-flexible versions: where an epoch ends on the leader (KIP-320 truncation detection).</summary>
    private static readonly ApiRegistration OffsetForLeaderEpochApi = new(ApiKey.OffsetForLeaderEpoch, 0, 3, static (handler, broker, header, body, _) =>
        Done(Respond(header, handler.OffsetForLeaderEpoch(broker, OffsetForLeaderEpochRequest.Read(ref body, header.ApiVersion)))));

    private OffsetForLeaderEpochResponse OffsetForLeaderEpoch(BrokerNode broker, OffsetForLeaderEpochRequest request)
    {
        var response = new OffsetForLeaderEpochResponse();
        foreach (var topic in request.Topics)
        {
            var topicResult = new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult { Topic = topic.Topic };
            response.Topics.Add(topicResult);
            foreach (var requested in topic.Partitions)
            {
                var entry = new OffsetForLeaderEpochResponse.EpochEndOffset { Partition = requested.Partition };
                topicResult.Partitions.Add(entry);
                var partition = _cluster.FindPartition(topic.Topic, requested.Partition);
                if (partition is null)
                {
                    entry.ErrorCode = KafkaErrorCode.UnknownTopicOrPartition;
                    continue;
                }

                if (Injected(broker, ApiKey.OffsetForLeaderEpoch, topic.Topic, requested.Partition) is var injected and not KafkaErrorCode.None)
                {
                    entry.ErrorCode = injected;
                    continue;
                }

                var (error, end) = partition.OffsetForLeaderEpoch(broker.Id, requested.CurrentLeaderEpoch, requested.LeaderEpoch);
                entry.ErrorCode = error;
                entry.LeaderEpoch = end.Epoch;
                entry.EndOffset = end.EndOffset;
            }
        }

        return response;
    }

    private ListOffsetsResponse ListOffsets(BrokerNode broker, ListOffsetsRequest request)
    {
        var response = new ListOffsetsResponse();
        foreach (var topic in request.Topics)
        {
            var topicResponse = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name };
            response.Topics.Add(topicResponse);
            foreach (var requested in topic.Partitions)
            {
                var partition = _cluster.FindPartition(topic.Name, requested.PartitionIndex);
                var entry = new ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = requested.PartitionIndex, Timestamp = -1, Offset = -1, LeaderEpoch = -1 };
                topicResponse.Partitions.Add(entry);
                if (partition is null)
                {
                    entry.ErrorCode = KafkaErrorCode.UnknownTopicOrPartition;
                    continue;
                }

                // read_committed (isolation level 1, v2+) reads up to the last stable offset, as its fetches do.
                var (error, logStart, highWatermark) = Injected(broker, ApiKey.ListOffsets, topic.Name, requested.PartitionIndex) is var injected and not KafkaErrorCode.None
                    ? (injected, -1, -1)
                    : partition.Offsets(broker.Id, requested.CurrentLeaderEpoch, request.IsolationLevel == ReadCommitted);
                if (error != KafkaErrorCode.None)
                {
                    entry.ErrorCode = error;
                    continue;
                }

                entry.LeaderEpoch = partition.LeaderEpoch;
                entry.Offset = requested.Timestamp switch
                {
                    -2 => logStart,
                    -1 => highWatermark,
                    _ => OffsetForTimestamp(partition, broker.Id, requested.Timestamp, highWatermark),
                };
            }
        }

        return response;
    }

    /// <summary>The first offset of the first batch whose max timestamp reaches <paramref name="timestamp"/>, or the high watermark.</summary>
    private static long OffsetForTimestamp(PartitionState partition, int brokerId, long timestamp, long highWatermark)
    {
        foreach (var batch in partition.BatchesOf(brokerId))
        {
            if (batch.BaseOffset >= highWatermark)
            {
                break;
            }

            if (RecordBatchHeader.Read(batch.Data.Span).MaxTimestamp >= timestamp)
            {
                return batch.BaseOffset;
            }
        }

        return highWatermark;
    }

    /// <summary>Isolation level read_committed in Fetch (v4+) and ListOffsets (v2+).</summary>
    private const sbyte ReadCommitted = 1;

    private async Task<FetchResponse> FetchAsync(BrokerNode broker, FetchRequest request, CancellationToken token)
    {
        var deadline = _cluster.Time.GetTimestamp();
        var wait = TimeSpan.FromMilliseconds(Math.Max(0, request.MaxWaitMs));
        while (true)
        {
            var changed = _cluster.HighWatermarkChanged;
            var (response, bytes, errors) = FetchOnce(broker, request);
            var remaining = wait - _cluster.Time.GetElapsedTime(deadline);
            if (bytes >= Math.Max(1, request.MinBytes) || errors || remaining <= TimeSpan.Zero || !broker.IsUp)
            {
                return response;
            }

            try
            {
                await changed.WaitAsync(remaining, token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // MaxWaitMs passed: answer with what there is.
            }
        }
    }

    private (FetchResponse Response, int Bytes, bool Errors) FetchOnce(BrokerNode broker, FetchRequest request)
    {
        var response = new FetchResponse { SessionId = 0 };
        var total = 0;
        var errors = false;
        var budget = request.MaxBytes > 0 ? request.MaxBytes : int.MaxValue;
        foreach (var topic in request.Topics)
        {
            var topicResponse = new FetchResponse.FetchableTopicResponse { Topic = topic.Topic };
            response.Responses.Add(topicResponse);
            foreach (var requested in topic.Partitions)
            {
                var entry = new FetchResponse.PartitionData
                {
                    PartitionIndex = requested.Partition,
                    HighWatermark = -1,
                    LastStableOffset = -1,
                    LogStartOffset = -1,
                    PreferredReadReplica = -1,
                    AbortedTransactions = request.IsolationLevel == ReadCommitted ? [] : null,
                    Records = ReadOnlyMemory<byte>.Empty,
                };
                topicResponse.Partitions.Add(entry);
                var partition = _cluster.FindPartition(topic.Topic, requested.Partition);
                if (partition is null)
                {
                    entry.ErrorCode = KafkaErrorCode.UnknownTopicOrPartition;
                    errors = true;
                    continue;
                }

                var read = Injected(broker, ApiKey.Fetch, topic.Topic, requested.Partition) is var injected and not KafkaErrorCode.None
                    ? new ConsumerRead(injected, -1, -1, [])
                    : partition.ReadForConsumer(broker.Id, requested.FetchOffset, Math.Min(requested.PartitionMaxBytes, Math.Max(1, budget - total)), requested.CurrentLeaderEpoch, request.IsolationLevel == ReadCommitted);
                entry.ErrorCode = read.Error;
                entry.HighWatermark = read.HighWatermark;
                entry.LastStableOffset = read.LastStableOffset;

                // As Kafka: the aborted transactions go to read_committed fetches only (null otherwise; librdkafka
                // logs an error when a read_uncommitted fetch gets a list).
                entry.AbortedTransactions = read.AbortedTransactions?.Select(static a => new FetchResponse.AbortedTransaction { ProducerId = a.ProducerId, FirstOffset = a.FirstOffset }).ToList();
                entry.LogStartOffset = read.LogStartOffset;
                if (read.Error != KafkaErrorCode.None)
                {
                    errors = true;
                    continue;
                }

                entry.Records = ReadOnlyMemory<byte>.Empty;
                if (read.Batches.Count > 0)
                {
                    // The stored batches go straight into the response buffer: no joined copy per partition.
                    entry.RecordBatches = [.. read.Batches.Select(static b => b.Data)];
                    total += read.Batches.Sum(static b => b.Data.Length);
                }
            }
        }

        return (response, total, errors);
    }
}
