using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Protocol;

public sealed class MessageRoundTripTests
{
    [Theory]
    [MemberData(nameof(CodecVersions))]
    public void Random_message_survives_write_then_read(string name, short version)
    {
        var codec = MessageCodec.Named(name);
        var random = new Random(codec.Seed + version);
        var sawValues = false;
        var emptyBody = true;
        for (var i = 0; i < 25; i++)
        {
            var original = FillWritable(codec, random, version);
            var written = codec.WriteToArray(original, version);

            var read = codec.Read(written, version, out var remaining);
            Assert.Equal(0, remaining);

            // Every field present at this version was written and read back: writing again gives the same bytes.
            var rewritten = codec.WriteToArray(read, version);
            Assert.Equal(written, rewritten);

            var readAgain = codec.Read(rewritten, version, out _);
            Assert.Null(MessageValues.Difference(read, readAgain));
            sawValues |= MessageValues.NonDefaultLeaves(read) > 0;
            emptyBody &= written.Length == 0;
        }

        // ApiVersions requests before v3 have no fields at all.
        Assert.True(sawValues || emptyBody, "no random value survived the round trip");
    }

    [Theory]
    [MemberData(nameof(CodecVersions))]
    public void Default_message_round_trips_to_equal_values(string name, short version)
    {
        var codec = MessageCodec.Named(name);
        var original = Activator.CreateInstance(codec.Type)!;
        var written = codec.WriteToArray(original, version);

        var read = codec.Read(written, version, out var remaining);

        Assert.Equal(0, remaining);
        Assert.Null(MessageValues.Difference(original, read));
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void Versions_outside_the_supported_range_are_refused(string name)
    {
        var codec = MessageCodec.Named(name);
        var message = Activator.CreateInstance(codec.Type)!;
        var below = (short)(codec.MinVersion - 1);
        var above = (short)(codec.MaxVersion + 1);

        using var writer = new KafkaWriter();
        Assert.Throws<KafkaProtocolException>(() => codec.Write(message, writer, above));
        Assert.Throws<KafkaProtocolException>(() => codec.Read(new byte[64], above, out _));
        if (below >= 0)
        {
            Assert.Throws<KafkaProtocolException>(() => codec.Read(new byte[64], below, out _));
        }
    }

    [Fact]
    public void Catalog_covers_every_message_type_in_the_assembly()
    {
        var messageTypes = typeof(KafkaReader).Assembly.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IKafkaMessage<>)))
            .Select(t => t.Name)
            .Order()
            .ToList();

        Assert.Equal(44, messageTypes.Count);
        Assert.Equal(messageTypes, MessageCodec.All.Select(c => c.Name).Order().ToList());
    }

    [Fact]
    public void Every_served_range_is_within_what_its_codecs_support()
    {
        foreach (var range in ApiRegistry.Ranges)
        {
            foreach (var codec in MessageCodec.All.Where(c => c.ApiKey == range.ApiKey))
            {
                Assert.InRange(range.MinVersion, codec.MinVersion, codec.MaxVersion);
                Assert.InRange(range.MaxVersion, codec.MinVersion, codec.MaxVersion);
            }

            Assert.Equal(2, MessageCodec.All.Count(c => c.ApiKey == range.ApiKey));
        }
    }

    [Fact]
    public void Null_topics_in_OffsetFetch_exist_only_from_version_2()
    {
        var request = new OffsetFetchRequest { GroupId = "g", Topics = null };
        using var writer = new KafkaWriter();

        Assert.Throws<KafkaProtocolException>(() => request.Write(writer, 1));

        writer.Reset();
        request.Write(writer, 2);
        var reader = new KafkaReader(writer.WrittenMemory);
        Assert.Null(OffsetFetchRequest.Read(ref reader, 2).Topics);
    }

    [Fact]
    public void Fields_absent_from_a_version_read_back_as_their_defaults()
    {
        var response = new MetadataResponse
        {
            ThrottleTimeMs = 5,
            ClusterId = "cluster",
            ControllerId = 2,
            ClusterAuthorizedOperations = 7,
        };
        response.Topics.Add(new MetadataResponse.MetadataResponseTopic
        {
            Name = "t",
            Partitions = [new MetadataResponse.MetadataResponsePartition { LeaderEpoch = 9, OfflineReplicas = [3] }],
        });

        var v8 = RoundTrip(response, 8);
        Assert.Equal(7, v8.ClusterAuthorizedOperations);
        Assert.Equal(9, v8.Topics[0].Partitions[0].LeaderEpoch);
        Assert.Equal([3], v8.Topics[0].Partitions[0].OfflineReplicas);

        var v1 = RoundTrip(response, 1);
        Assert.Equal(0, v1.ThrottleTimeMs);
        Assert.Null(v1.ClusterId);
        Assert.Equal(2, v1.ControllerId);
        Assert.Equal(int.MinValue, v1.ClusterAuthorizedOperations);
        Assert.Equal(-1, v1.Topics[0].Partitions[0].LeaderEpoch);
        Assert.Empty(v1.Topics[0].Partitions[0].OfflineReplicas);
    }

    [Fact]
    public void Produce_records_are_slices_of_the_request_buffer_not_copies()
    {
        var batch = RecordBatchBuilder.Create(3);
        var request = new ProduceRequest { Acks = -1, TimeoutMs = 1000 };
        request.TopicData.Add(new ProduceRequest.TopicProduceData
        {
            Name = "orders",
            PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = batch }],
        });
        using var writer = new KafkaWriter();
        request.Write(writer, 8);
        var buffer = writer.ToArray();

        var reader = new KafkaReader(buffer);
        var read = ProduceRequest.Read(ref reader, 8);

        var records = read.TopicData[0].PartitionData[0].Records!.Value;
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(records, out var segment));
        Assert.Same(buffer, segment.Array);
        Assert.Equal(batch, records.ToArray());
    }

    [Fact]
    public void ApiVersions_v3_response_round_trips_tagged_fields()
    {
        var response = ApiVersionRanges.CreateResponse(ApiRegistry.Ranges);
        response.FinalizedFeaturesEpoch = 12;
        response.ZkMigrationReady = true;
        response.SupportedFeatures.Add(new ApiVersionsResponse.SupportedFeatureKey { Name = "metadata.version", MinVersion = 1, MaxVersion = 20 });

        var read = RoundTrip(response, 3);

        Assert.Null(MessageValues.Difference(response, read));
        var v2 = RoundTrip(response, 2);
        Assert.Equal(-1, v2.FinalizedFeaturesEpoch);
        Assert.Empty(v2.SupportedFeatures);
        Assert.Equal(response.ApiKeys.Count, v2.ApiKeys.Count);
    }

    [Fact]
    public void Unknown_tagged_fields_are_skipped()
    {
        using var writer = new KafkaWriter();
        writer.WriteInt16(0);
        writer.WriteCompactArrayLength(0);
        writer.WriteInt32(0);
        writer.WriteUnsignedVarint(2);
        writer.WriteTaggedField(1, [0, 0, 0, 0, 0, 0, 0, 42]);
        writer.WriteTaggedField(99, [1, 2, 3]);
        var reader = new KafkaReader(writer.WrittenMemory);

        var read = ApiVersionsResponse.Read(ref reader, 3);

        Assert.Equal(42, read.FinalizedFeaturesEpoch);
        Assert.True(reader.IsAtEnd);
    }

    public static TheoryData<string, short> CodecVersions() => MessageCodec.NamesAndVersions();

    public static TheoryData<string> CodecNames() => MessageCodec.Names();

    internal static object FillWritable(MessageCodec codec, Random random, short version)
    {
        var message = MessageValues.Fill(codec.Type, random, allowNulls: true);
        try
        {
            codec.WriteToArray(message, version);
            return message;
        }
        catch (KafkaProtocolException e) when (e.Message.Contains("cannot be null", StringComparison.Ordinal))
        {
            return MessageValues.Fill(codec.Type, random, allowNulls: false);
        }
    }

    private static T RoundTrip<T>(T message, short version)
        where T : IKafkaMessage<T>
    {
        using var writer = new KafkaWriter();
        message.Write(writer, version);
        var reader = new KafkaReader(writer.WrittenMemory);
        var read = T.Read(ref reader, version);
        Assert.True(reader.IsAtEnd);
        return read;
    }
}
