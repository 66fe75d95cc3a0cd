using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Protocol;

/// <summary>
/// A real librdkafka client against <see cref="ScriptedBroker"/>: the client must accept every response the codec
/// writes, and its requests (including its record batches) must parse and validate.
/// </summary>
public sealed class LibrdkafkaConversationTests
{
    private const string Topic = "orders";
    private const long ProducerId = 4242;
    private const long AssignedBaseOffset = 100;

    [Fact]
    public async Task Idempotent_producer_gets_its_pid_and_offset_from_codec_responses()
    {
        var produced = new ConcurrentQueue<(short Version, ProduceRequest Request)>();
        ScriptedBroker? broker = null;
        broker = new ScriptedBroker((header, body) =>
        {
            var reader = new KafkaReader(body);
            switch (header.ApiKey)
            {
                case ApiKey.ApiVersions:
                    return ScriptedBroker.Reply(ApiVersionRanges.CreateResponse(ApiRegistry.Ranges));
                case ApiKey.Metadata:
                    return ScriptedBroker.Reply(Metadata(broker!.Port, MetadataRequest.Read(ref reader, header.ApiVersion)));
                case ApiKey.InitProducerId:
                    InitProducerIdRequest.Read(ref reader, header.ApiVersion);
                    return ScriptedBroker.Reply(new InitProducerIdResponse { ProducerId = ProducerId, ProducerEpoch = 0 });
                case ApiKey.Produce:
                    var request = ProduceRequest.Read(ref reader, header.ApiVersion);
                    produced.Enqueue((header.ApiVersion, request));
                    return ScriptedBroker.Reply(ProduceSuccess(request));
                default:
                    return null;
            }
        });
        await using (broker)
        {
            var config = new ProducerConfig
            {
                BootstrapServers = $"127.0.0.1:{broker.Port}",
                EnableIdempotence = true,
                LingerMs = 0,
                SocketTimeoutMs = 5000,
                MessageTimeoutMs = 5000,
            };
            using var producer = new ProducerBuilder<string, string>(config)
                .SetLogHandler((_, _) => { })
                .SetErrorHandler((_, _) => { })
                .Build();

            var result = await producer.ProduceAsync(Topic, new Message<string, string> { Key = "k1", Value = "hello" })
                .WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal(PersistenceStatus.Persisted, result.Status);
            Assert.Equal(0, result.Partition.Value);
            Assert.Equal(AssignedBaseOffset, result.Offset.Value);
        }

        Assert.Empty(broker.Failures);
        Assert.Contains(broker.Requests, h => h.ApiKey == ApiKey.InitProducerId && h.ApiVersion == 4);
        var (version, produce) = Assert.Single(produced);
        Assert.Equal(8, version);
        Assert.Equal(-1, produce.Acks);
        Assert.Null(produce.TransactionalId);
        var partition = Assert.Single(Assert.Single(produce.TopicData).PartitionData);
        var batch = partition.Records!.Value;

        Assert.Equal(KafkaErrorCode.None, ProducedBatchValidator.Check(batch.ToArray(), version).Error);
        var batchHeader = RecordBatchHeader.Read(batch.Span);
        Assert.Equal(ProducerId, batchHeader.ProducerId);
        Assert.Equal(0, batchHeader.ProducerEpoch);
        Assert.Equal(0, batchHeader.BaseSequence);
        Assert.Equal(1, batchHeader.RecordsCount);
        var record = Assert.Single(RecordBatch.ReadRecords(batch));
        Assert.Equal("k1", Encoding.UTF8.GetString(record.Key!.Value.Span));
        Assert.Equal("hello", Encoding.UTF8.GetString(record.Value!.Value.Span));
    }

    [Fact]
    public async Task Assigned_consumer_reads_records_served_in_a_codec_fetch_response()
    {
        var batch = new RecordBatchBuilder { BaseTimestamp = 1_700_000_000_000 }
            .Add("a", "first")
            .Add("b", "second")
            .Build();
        RecordBatch.SetBaseOffset(batch, 40);
        ScriptedBroker? broker = null;
        broker = new ScriptedBroker((header, body) =>
        {
            var reader = new KafkaReader(body);
            switch (header.ApiKey)
            {
                case ApiKey.ApiVersions:
                    return ScriptedBroker.Reply(ApiVersionRanges.CreateResponse(ApiRegistry.Ranges));
                case ApiKey.Metadata:
                    return ScriptedBroker.Reply(Metadata(broker!.Port, MetadataRequest.Read(ref reader, header.ApiVersion)));
                case ApiKey.FindCoordinator:
                    FindCoordinatorRequest.Read(ref reader, header.ApiVersion);
                    return ScriptedBroker.Reply(new FindCoordinatorResponse { NodeId = 1, Host = "127.0.0.1", Port = broker!.Port });
                case ApiKey.ListOffsets:
                    return ScriptedBroker.Reply(ListOffsetsAnswer(ListOffsetsRequest.Read(ref reader, header.ApiVersion)));
                case ApiKey.Fetch:
                    return FetchAnswer(FetchRequest.Read(ref reader, header.ApiVersion), batch);
                default:
                    return null;
            }
        });
        await using (broker)
        {
            var config = new ConsumerConfig
            {
                BootstrapServers = $"127.0.0.1:{broker.Port}",
                GroupId = "protocol-tests",
                EnableAutoCommit = false,
                SocketTimeoutMs = 5000,
                FetchWaitMaxMs = 100,
            };
            using var consumer = new ConsumerBuilder<string, string>(config)
                .SetLogHandler((_, _) => { })
                .SetErrorHandler((_, _) => { })
                .Build();
            consumer.Assign(new TopicPartitionOffset(Topic, 0, Offset.Beginning));

            var first = consumer.Consume(TimeSpan.FromSeconds(10));
            var second = consumer.Consume(TimeSpan.FromSeconds(5));

            Assert.NotNull(first);
            Assert.NotNull(second);
            Assert.Equal(("a", "first", 40L), (first.Message.Key, first.Message.Value, first.Offset.Value));
            Assert.Equal(("b", "second", 41L), (second.Message.Key, second.Message.Value, second.Offset.Value));
            Assert.Equal(1_700_000_000_000, first.Message.Timestamp.UnixTimestampMs);
            consumer.Close();
        }

        Assert.Empty(broker.Failures);
        Assert.Contains(broker.Requests, h => h.ApiKey == ApiKey.ListOffsets);
        Assert.Contains(broker.Requests, h => h.ApiKey == ApiKey.Fetch && h.ApiVersion == 11);
    }

    private static MetadataResponse Metadata(int port, MetadataRequest request)
    {
        var response = new MetadataResponse { ClusterId = "simulated", ControllerId = 1 };
        response.Brokers.Add(new MetadataResponse.MetadataResponseBroker { NodeId = 1, Host = "127.0.0.1", Port = port });
        var names = request.Topics is null ? [Topic] : request.Topics.Select(t => t.Name).ToList();
        foreach (var name in names)
        {
            response.Topics.Add(new MetadataResponse.MetadataResponseTopic
            {
                Name = name,
                ErrorCode = name == Topic ? KafkaErrorCode.None : KafkaErrorCode.UnknownTopicOrPartition,
                Partitions = name != Topic
                    ? []
                    : [new MetadataResponse.MetadataResponsePartition { PartitionIndex = 0, LeaderId = 1, LeaderEpoch = 0, ReplicaNodes = [1], IsrNodes = [1] }],
            });
        }

        return response;
    }

    private static ProduceResponse ProduceSuccess(ProduceRequest request)
    {
        var response = new ProduceResponse();
        foreach (var topic in request.TopicData)
        {
            response.Responses.Add(new ProduceResponse.TopicProduceResponse
            {
                Name = topic.Name,
                PartitionResponses = topic.PartitionData
                    .Select(p => new ProduceResponse.PartitionProduceResponse { Index = p.Index, BaseOffset = AssignedBaseOffset, LogStartOffset = 0 })
                    .ToList(),
            });
        }

        return response;
    }

    private static ListOffsetsResponse ListOffsetsAnswer(ListOffsetsRequest request)
    {
        var response = new ListOffsetsResponse();
        foreach (var topic in request.Topics)
        {
            response.Topics.Add(new ListOffsetsResponse.ListOffsetsTopicResponse
            {
                Name = topic.Name,
                Partitions = topic.Partitions
                    .Select(p => new ListOffsetsResponse.ListOffsetsPartitionResponse
                    {
                        PartitionIndex = p.PartitionIndex,
                        Timestamp = -1,
                        Offset = p.Timestamp == -2 ? 40 : 42,
                        LeaderEpoch = 0,
                    })
                    .ToList(),
            });
        }

        return response;
    }

    private static ResponseWriter FetchAnswer(FetchRequest request, byte[] batch)
    {
        var response = new FetchResponse();
        foreach (var topic in request.Topics)
        {
            response.Responses.Add(new FetchResponse.FetchableTopicResponse
            {
                Topic = topic.Topic,
                Partitions = topic.Partitions
                    .Select(p => new FetchResponse.PartitionData
                    {
                        PartitionIndex = p.Partition,
                        HighWatermark = 42,
                        LastStableOffset = 42,
                        LogStartOffset = 40,
                        AbortedTransactions = null,
                        Records = p.FetchOffset <= 41 ? batch : ReadOnlyMemory<byte>.Empty,
                    })
                    .ToList(),
            });
        }

        var reply = ScriptedBroker.Reply(response);
        if (request.Topics.Any(t => t.Partitions.Any(p => p.FetchOffset <= 41)))
        {
            return reply;
        }

        // Nothing new: answer after a short wait, as a long poll would.
        return (writer, header) =>
        {
            Thread.Sleep(50);
            reply(writer, header);
        };
    }
}
