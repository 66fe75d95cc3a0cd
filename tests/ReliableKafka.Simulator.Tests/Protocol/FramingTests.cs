using System.Buffers;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;
using static ReliableKafka.Simulator.Tests.Protocol.KafkaReaderWriterTests;

namespace ReliableKafka.Simulator.Tests.Protocol;

public sealed class FramingTests
{
    [Fact]
    public void ApiVersions_v0_request_frame_has_exact_bytes()
    {
        using var writer = new KafkaWriter();

        KafkaFrame.WriteRequest(writer, 0, correlationId: 7, clientId: "c", new ApiVersionsRequest());

        // size 11 | key 18 | version 0 | correlation 7 | client id "c" (int16 length) | empty body
        Assert.Equal(Hex("0000000B 0012 0000 00000007 0001 63"), writer.ToArray());
    }

    [Fact]
    public void ApiVersions_v3_request_uses_header_v2_and_compact_strings()
    {
        using var writer = new KafkaWriter();
        var request = new ApiVersionsRequest { ClientSoftwareName = "sw", ClientSoftwareVersion = "1.0" };

        KafkaFrame.WriteRequest(writer, 3, correlationId: 7, clientId: "c", request);

        // header v2: the client id keeps its int16 length, then an empty tag section;
        // body: compact strings (length + 1) and the body's own empty tag section.
        var expected = Hex("00000014 0012 0003 00000007 0001 63 00 03 7377 04 312E30 00");
        Assert.Equal(expected, writer.ToArray());

        var parsed = KafkaFrame.ReadRequest<ApiVersionsRequest>(expected.AsMemory(4), out var header);
        Assert.Equal(new RequestHeader(ApiKey.ApiVersions, 3, 7, "c"), header);
        Assert.Equal(("sw", "1.0"), (parsed.ClientSoftwareName, parsed.ClientSoftwareVersion));
    }

    [Fact]
    public void ApiVersions_v3_response_keeps_header_v0()
    {
        using var writer = new KafkaWriter();
        var response = ApiVersionRanges.CreateResponse([new ApiVersionRange(ApiKey.ApiVersions, 0, 3)]);

        KafkaFrame.WriteResponse(writer, 3, correlationId: 7, response);

        // correlation id with no tag byte after it (header v0) | error 0 | compact array of 1 |
        // key 18, min 0, max 3, entry tags | throttle 0 | body tags
        Assert.Equal(Hex("00000013 00000007 0000 02 0012 0000 0003 00 00000000 00"), writer.ToArray());
    }

    [Fact]
    public void Metadata_v1_response_has_exact_bytes()
    {
        var response = new MetadataResponse { ControllerId = 1 };
        response.Brokers.Add(new MetadataResponse.MetadataResponseBroker { NodeId = 1, Host = "h", Port = 9092 });
        response.Topics.Add(new MetadataResponse.MetadataResponseTopic
        {
            Name = "t",
            Partitions = [new MetadataResponse.MetadataResponsePartition { PartitionIndex = 0, LeaderId = 1, ReplicaNodes = [1], IsrNodes = [1] }],
        });
        using var writer = new KafkaWriter();

        response.Write(writer, 1);

        var expected = Hex(
            "00000001" + // brokers: 1
            "00000001 0001 68 00002384 FFFF" + // node 1, host "h", port 9092, rack null (v1+)
            "00000001" + // controller id (v1+); no cluster id before v2, no throttle before v3
            "00000001" + // topics: 1
            "0000 0001 74 00" + // error 0, name "t", is_internal false (v1+)
            "00000001" + // partitions: 1
            "0000 00000000 00000001" + // error 0, partition 0, leader 1; no leader epoch before v7
            "00000001 00000001" + // replicas [1]
            "00000001 00000001"); // isr [1]; no offline replicas before v5
        Assert.Equal(expected, writer.ToArray());
    }

    [Fact]
    public void Produce_v3_request_frame_has_exact_bytes()
    {
        var request = new ProduceRequest { TransactionalId = null, Acks = -1, TimeoutMs = 1000 };
        request.TopicData.Add(new ProduceRequest.TopicProduceData
        {
            Name = "t",
            PartitionData = [new ProduceRequest.PartitionProduceData { Index = 2, Records = new byte[] { 1, 2, 3 } }],
        });
        using var writer = new KafkaWriter();

        KafkaFrame.WriteRequest(writer, 3, correlationId: 1, clientId: null, request);

        var expected = Hex(
            "00000028" + // size 40
            "0000 0003 00000001 FFFF" + // key 0, version 3, correlation 1, client id null
            "FFFF FFFF 000003E8" + // transactional id null, acks -1, timeout 1000
            "00000001 0001 74" + // one topic "t"
            "00000001 00000002" + // one partition, index 2
            "00000003 010203"); // records as int32-length bytes
        Assert.Equal(expected, writer.ToArray());
    }

    [Fact]
    public void Unsupported_ApiVersions_version_gets_a_v0_body_with_error_35_and_only_key_18()
    {
        using var writer = new KafkaWriter();

        ApiVersionRanges.WriteUnsupportedVersionResponse(writer, correlationId: 9, ApiRegistry.RangeOf(ApiKey.ApiVersions));

        // header v0 | error 35 | int32 array count 1 | key 18, 0..3; no throttle, no tags
        Assert.Equal(Hex("00000010 00000009 0023 00000001 0012 0000 0003"), writer.ToArray());
    }

    [Fact]
    public void Request_header_of_a_future_ApiVersions_version_is_read_as_flexible()
    {
        var frame = Hex("0012 0004 00000005 0001 63 00");

        var header = KafkaFrame.ReadRequestHeader(frame, out var body);

        Assert.Equal(new RequestHeader(ApiKey.ApiVersions, 4, 5, "c"), header);
        Assert.True(body.IsAtEnd);
    }

    [Fact]
    public void Request_header_v1_has_no_tag_section_and_allows_a_null_client_id()
    {
        var frame = Hex("0003 0008 00000002 FFFF 99");

        var header = KafkaFrame.ReadRequestHeader(frame, out var body);

        Assert.Equal(new RequestHeader(ApiKey.Metadata, 8, 2, null), header);
        Assert.Equal(1, header.HeaderVersion);
        Assert.Equal(1, body.Remaining);
    }

    [Fact]
    public void Response_header_adds_a_tag_byte_only_for_flexible_versions_other_than_ApiVersions()
    {
        Assert.Equal(Hex("00000007"), Header(ApiKey.Metadata, 8));
        Assert.Equal(Hex("00000007 00"), Header(ApiKey.Metadata, 9));
        Assert.Equal(Hex("00000007"), Header(ApiKey.ApiVersions, 3));
        Assert.Equal(Hex("00000007 00"), Header(ApiKey.InitProducerId, 2));

        static byte[] Header(ApiKey key, short version)
        {
            using var writer = new KafkaWriter();
            ResponseHeader.Write(writer, key, version, 7);
            var bytes = writer.ToArray();
            var reader = new KafkaReader(bytes);
            Assert.Equal(7, ResponseHeader.Read(ref reader, key, version));
            Assert.True(reader.IsAtEnd);
            return bytes;
        }
    }

    [Fact]
    public void Response_frame_reads_back_through_the_client_side_helper()
    {
        using var writer = new KafkaWriter();
        var response = new InitProducerIdResponse { ProducerId = 77, ProducerEpoch = 3 };
        KafkaFrame.WriteResponse(writer, 1, 42, response);

        var read = KafkaFrame.ReadResponse<InitProducerIdResponse>(writer.WrittenMemory[4..], 1, out var correlationId);

        Assert.Equal(42, correlationId);
        Assert.Equal((77L, (short)3), (read.ProducerId, read.ProducerEpoch));
    }

    [Fact]
    public void Reading_a_request_of_the_wrong_type_is_refused()
    {
        var frame = Hex("0003 0008 00000002 FFFF");

        Assert.Throws<KafkaProtocolException>(() => KafkaFrame.ReadRequest<ProduceRequest>(frame, out _));
    }

    [Fact]
    public void Frames_are_cut_from_a_segmented_stream_as_they_complete()
    {
        var bytes = Hex("00000002 AABB 00000000 00000003 CC");
        var buffer = Segmented(bytes, 3);

        Assert.True(KafkaFrame.TryReadFrame(ref buffer, out var first));
        Assert.Equal(Hex("AABB"), first.ToArray());
        Assert.True(KafkaFrame.TryReadFrame(ref buffer, out var empty));
        Assert.Equal(0, empty.Length);
        Assert.False(KafkaFrame.TryReadFrame(ref buffer, out _));
        Assert.Equal(5, buffer.Length);
    }

    [Fact]
    public void Negative_or_oversized_frame_sizes_are_refused()
    {
        var negative = new ReadOnlySequence<byte>(Hex("FFFFFFFF"));
        var oversized = new ReadOnlySequence<byte>(Hex("00010000"));

        Assert.False(Assert.Throws<KafkaFrameSizeException>(() => KafkaFrame.TryReadFrame(ref negative, out _)).IsOversized);
        var tooLarge = Assert.Throws<KafkaFrameSizeException>(() => KafkaFrame.TryReadFrame(ref oversized, out _, maxFrameSize: 1024));
        Assert.Equal((65536, 1024, true), (tooLarge.Size, tooLarge.MaxFrameSize, tooLarge.IsOversized));
    }

    [Fact]
    public void Flexible_versions_match_the_schemas()
    {
        Assert.False(ApiVersioning.IsFlexible(ApiKey.Produce, 8));
        Assert.True(ApiVersioning.IsFlexible(ApiKey.Produce, 9));
        Assert.False(ApiVersioning.IsFlexible(ApiKey.Fetch, 11));
        Assert.True(ApiVersioning.IsFlexible(ApiKey.Fetch, 12));
        Assert.False(ApiVersioning.IsFlexible(ApiKey.ApiVersions, 2));
        Assert.True(ApiVersioning.IsFlexible(ApiKey.ApiVersions, 3));
        Assert.False(ApiVersioning.IsFlexible(ApiKey.SaslHandshake, 1));
        Assert.False(ApiVersioning.IsFlexible((ApiKey)999, 50));

        // Every version the broker serves is non-flexible, other than ApiVersions v3, Metadata v9, InitProducerId v2-4
        // (librdkafka bumps a transactional epoch with v3+, KIP-360) and v3 of the transaction APIs (librdkafka sends
        // TxnOffsetCommit v3).
        Assert.True(ApiVersioning.IsFlexible(ApiKey.Metadata, 9));
        ApiKey[] transactions = [ApiKey.AddPartitionsToTxn, ApiKey.AddOffsetsToTxn, ApiKey.EndTxn, ApiKey.TxnOffsetCommit];
        foreach (var key in transactions)
        {
            Assert.False(ApiVersioning.IsFlexible(key, 2), key.ToString());
            Assert.True(ApiVersioning.IsFlexible(key, 3), key.ToString());
        }

        Assert.True(ApiVersioning.IsFlexible(ApiKey.InitProducerId, 2));
        foreach (var range in ApiRegistry.Ranges.Where(r => r.ApiKey is not ApiKey.ApiVersions and not ApiKey.Metadata and not ApiKey.InitProducerId && !transactions.Contains(r.ApiKey)))
        {
            Assert.False(ApiVersioning.IsFlexible(range.ApiKey, range.MaxVersion), range.ToString());
        }
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var chunk = bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset));
            last = last is null ? first = new Segment(chunk, 0) : last.Append(chunk);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
