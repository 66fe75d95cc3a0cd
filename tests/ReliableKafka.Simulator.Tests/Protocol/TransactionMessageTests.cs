using ReliableKafka.Simulator.Protocol;
using static ReliableKafka.Simulator.Tests.Protocol.KafkaReaderWriterTests;

namespace ReliableKafka.Simulator.Tests.Protocol;

/// <summary>
/// The transaction APIs against bytes written by hand: requests laid out field by field as librdkafka writes them
/// (rdkafka_request.c, rdkafka_txnmgr.c), and flexible v3 responses as librdkafka expects to read them.
/// </summary>
public sealed class TransactionMessageTests
{
    // "rdkafka", "txn-1", "orders", "audit", "group-a", "m-1" in UTF-8.
    private const string ClientId = "72646B61666B61";
    private const string TxnId = "74786E2D31";
    private const string Orders = "6F7264657273";
    private const string Audit = "6175646974";
    private const string GroupA = "67726F75702D61";
    private const string MemberM1 = "6D2D31";

    [Fact]
    public void AddPartitionsToTxn_v0_as_librdkafka_sends_it()
    {
        // Header v1 | transactional id | producer id 12345, epoch 2 | 2 topics: orders [0, 3], audit [1].
        var frame = Hex(
            "0018 0000 00000005 0007" + ClientId +
            "0005" + TxnId +
            "0000000000003039 0002" +
            "00000002" +
            "0006" + Orders + "00000002 00000000 00000003" +
            "0005" + Audit + "00000001 00000001");

        var request = Decode<AddPartitionsToTxnRequest>(frame, out var header);

        Assert.Equal(new RequestHeader(ApiKey.AddPartitionsToTxn, 0, 5, "rdkafka"), header);
        Assert.Equal(1, header.HeaderVersion);
        Assert.Equal("txn-1", request.TransactionalId);
        Assert.Equal(12345, request.ProducerId);
        Assert.Equal(2, request.ProducerEpoch);
        Assert.Equal(["orders", "audit"], request.Topics.Select(t => t.Name));
        Assert.Equal([0, 3], request.Topics[0].Partitions);
        Assert.Equal([1], request.Topics[1].Partitions);
    }

    [Fact]
    public void AddOffsetsToTxn_v0_as_librdkafka_sends_it()
    {
        // Header v1 | transactional id | producer id 12345, epoch 2 | group id.
        var frame = Hex(
            "0019 0000 00000006 0007" + ClientId +
            "0005" + TxnId +
            "0000000000003039 0002" +
            "0007" + GroupA);

        var request = Decode<AddOffsetsToTxnRequest>(frame, out var header);

        Assert.Equal(new RequestHeader(ApiKey.AddOffsetsToTxn, 0, 6, "rdkafka"), header);
        Assert.Equal(("txn-1", 12345L, (short)2, "group-a"), (request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.GroupId));
    }

    [Theory]
    [InlineData(0, true, "01")]
    [InlineData(1, false, "00")]
    public void EndTxn_v0_and_v1_as_librdkafka_sends_them(short version, bool committed, string committedByte)
    {
        // Header v1 | transactional id | producer id 12345, epoch 2 | committed (v1 has the layout of v0).
        var frame = Hex(
            "001A 000" + version + " 00000007 0007" + ClientId +
            "0005" + TxnId +
            "0000000000003039 0002" +
            committedByte);

        var request = Decode<EndTxnRequest>(frame, out var header);

        Assert.Equal(new RequestHeader(ApiKey.EndTxn, version, 7, "rdkafka"), header);
        Assert.Equal(("txn-1", 12345L, (short)2, committed), (request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.Committed));
    }

    [Fact]
    public void TxnOffsetCommit_v2_as_librdkafka_sends_it()
    {
        // Header v1 | transactional id | group id | producer id 12345, epoch 2 | 1 topic: orders,
        // partition 0 at offset 42 with leader epoch 4 (v2+) and the empty metadata librdkafka sends for none.
        var frame = Hex(
            "001C 0002 00000008 0007" + ClientId +
            "0005" + TxnId +
            "0007" + GroupA +
            "0000000000003039 0002" +
            "00000001" +
            "0006" + Orders + "00000001" +
            "00000000 000000000000002A 00000004 0000");

        var request = Decode<TxnOffsetCommitRequest>(frame, out var header);

        Assert.Equal(new RequestHeader(ApiKey.TxnOffsetCommit, 2, 8, "rdkafka"), header);
        Assert.Equal(("txn-1", "group-a", 12345L, (short)2), (request.TransactionalId, request.GroupId, request.ProducerId, request.ProducerEpoch));

        // Fields of v3+ keep their schema defaults.
        Assert.Equal((-1, string.Empty, (string?)null), (request.GenerationId, request.MemberId, request.GroupInstanceId));
        var partition = Assert.Single(Assert.Single(request.Topics).Partitions);
        Assert.Equal((0, 42L, 4, ""), (partition.PartitionIndex, partition.CommittedOffset, partition.CommittedLeaderEpoch, partition.CommittedMetadata));
    }

    [Fact]
    public void TxnOffsetCommit_v3_as_librdkafka_sends_it()
    {
        // Header v2 (the client id keeps its int16 length, then tags) | compact strings: transactional id, group id |
        // producer id 12345, epoch 2 | generation 7 | member id "m-1" | null group instance id |
        // compact array of 1 topic: orders, 2 partitions (0 at 42 epoch 4, 3 at 100 epoch -1), each with empty
        // metadata and tags | topic tags | body tags.
        var frame = Hex(
            "001C 0003 00000009 0007" + ClientId + "00" +
            "06" + TxnId +
            "08" + GroupA +
            "0000000000003039 0002" +
            "00000007" +
            "04" + MemberM1 +
            "00" +
            "02" +
            "07" + Orders + "03" +
            "00000000 000000000000002A 00000004 01 00" +
            "00000003 0000000000000064 FFFFFFFF 01 00" +
            "00" +
            "00");

        var request = Decode<TxnOffsetCommitRequest>(frame, out var header);

        Assert.Equal(new RequestHeader(ApiKey.TxnOffsetCommit, 3, 9, "rdkafka"), header);
        Assert.Equal(2, header.HeaderVersion);
        Assert.Equal(("txn-1", "group-a", 12345L, (short)2), (request.TransactionalId, request.GroupId, request.ProducerId, request.ProducerEpoch));
        Assert.Equal((7, "m-1", (string?)null), (request.GenerationId, request.MemberId, request.GroupInstanceId));
        var topic = Assert.Single(request.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal(
            [(0, 42L, 4, ""), (3, 100L, -1, "")],
            topic.Partitions.Select(p => (p.PartitionIndex, p.CommittedOffset, p.CommittedLeaderEpoch, p.CommittedMetadata)));
    }

    [Fact]
    public void AddPartitionsToTxn_v3_response_uses_compact_arrays_and_tags()
    {
        var response = new AddPartitionsToTxnResponse
        {
            Results =
            [
                new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult
                {
                    Name = "orders",
                    Results =
                    [
                        new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult { PartitionIndex = 0 },
                        new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult { PartitionIndex = 3, PartitionErrorCode = KafkaErrorCode.InvalidTxnState },
                    ],
                },
            ],
        };
        using var writer = new KafkaWriter();

        KafkaFrame.WriteResponse(writer, 3, correlationId: 5, response);

        // size | header v1: correlation id, tags | throttle 0 | compact array of 1 topic: orders, compact array of
        // 2 partitions (0: no error, 3: INVALID_TXN_STATE 48), each with tags | topic tags | body tags.
        var expected = Hex(
            "00000022 00000005 00" +
            "00000000" +
            "02" +
            "07" + Orders + "03" +
            "00000000 0000 00" +
            "00000003 0030 00" +
            "00" +
            "00");
        Assert.Equal(expected, writer.ToArray());
    }

    [Fact]
    public void TxnOffsetCommit_v3_response_uses_compact_arrays_and_tags()
    {
        var response = new TxnOffsetCommitResponse
        {
            ThrottleTimeMs = 100,
            Topics =
            [
                new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic
                {
                    Name = "orders",
                    Partitions =
                    [
                        new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition { PartitionIndex = 0 },
                        new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition { PartitionIndex = 3, ErrorCode = KafkaErrorCode.IllegalGeneration },
                    ],
                },
            ],
        };
        using var writer = new KafkaWriter();

        KafkaFrame.WriteResponse(writer, 3, correlationId: 9, response);

        // size | header v1 | throttle 100 | 1 topic: orders, 2 partitions (0: no error, 3: ILLEGAL_GENERATION 22) |
        // partition, topic and body tags.
        var expected = Hex(
            "00000022 00000009 00" +
            "00000064" +
            "02" +
            "07" + Orders + "03" +
            "00000000 0000 00" +
            "00000003 0016 00" +
            "00" +
            "00");
        Assert.Equal(expected, writer.ToArray());
    }

    [Fact]
    public void EndTxn_and_AddOffsetsToTxn_v3_responses_end_with_tags()
    {
        using var endTxn = new KafkaWriter();
        KafkaFrame.WriteResponse(endTxn, 3, correlationId: 7, new EndTxnResponse { ErrorCode = KafkaErrorCode.ProducerFenced });

        // size | header v1 | throttle 0 | PRODUCER_FENCED (90) | body tags.
        Assert.Equal(Hex("0000000C 00000007 00 00000000 005A 00"), endTxn.ToArray());

        using var addOffsets = new KafkaWriter();
        KafkaFrame.WriteResponse(addOffsets, 3, correlationId: 6, new AddOffsetsToTxnResponse { ErrorCode = KafkaErrorCode.ConcurrentTransactions });

        // size | header v1 | throttle 0 | CONCURRENT_TRANSACTIONS (51) | body tags.
        Assert.Equal(Hex("0000000C 00000006 00 00000000 0033 00"), addOffsets.ToArray());
    }

    [Fact]
    public void Transaction_error_names_are_Kafkas()
    {
        Assert.Equal("INVALID_PRODUCER_EPOCH", KafkaErrors.Name((KafkaErrorCode)47));
        Assert.Equal("INVALID_TXN_STATE", KafkaErrors.Name((KafkaErrorCode)48));
        Assert.Equal("INVALID_PRODUCER_ID_MAPPING", KafkaErrors.Name((KafkaErrorCode)49));
        Assert.Equal("INVALID_TRANSACTION_TIMEOUT", KafkaErrors.Name((KafkaErrorCode)50));
        Assert.Equal("CONCURRENT_TRANSACTIONS", KafkaErrors.Name((KafkaErrorCode)51));
        Assert.Equal("TRANSACTION_COORDINATOR_FENCED", KafkaErrors.Name((KafkaErrorCode)52));
        Assert.Equal("TRANSACTIONAL_ID_AUTHORIZATION_FAILED", KafkaErrors.Name((KafkaErrorCode)53));
        Assert.Equal("UNSTABLE_OFFSET_COMMIT", KafkaErrors.Name((KafkaErrorCode)88));
        Assert.Equal("PRODUCER_FENCED", KafkaErrors.Name((KafkaErrorCode)90));
        Assert.Equal("TRANSACTION_ABORTABLE", KafkaErrors.Name((KafkaErrorCode)120));
        Assert.True(KafkaErrors.TryParse("TRANSACTION_ABORTABLE", out var abortable));
        Assert.Equal(KafkaErrorCode.TransactionAbortable, abortable);
    }

    /// <summary>Reads a request frame body (no size prefix) and checks that nothing is left after the message.</summary>
    private static T Decode<T>(byte[] frameBody, out RequestHeader header)
        where T : IKafkaMessage<T>
    {
        header = KafkaFrame.ReadRequestHeader(frameBody, out var body);
        Assert.Equal(T.ApiKey, header.ApiKey);
        var message = T.Read(ref body, header.ApiVersion);
        Assert.Equal(0, body.Remaining);
        return message;
    }
}
