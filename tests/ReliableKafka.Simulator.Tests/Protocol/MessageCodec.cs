using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Protocol;

/// <summary>Reads and writes one message type through <see cref="IKafkaMessage{TSelf}"/> without naming it.</summary>
internal abstract class MessageCodec
{
    public abstract Type Type { get; }

    public abstract ApiKey ApiKey { get; }

    public abstract short MinVersion { get; }

    public abstract short MaxVersion { get; }

    public string Name => Type.Name;

    /// <summary>A seed derived from the name alone, stable across runs (string hash codes are not).</summary>
    public int Seed => Name.Aggregate(17, (hash, c) => unchecked((hash * 31) + c));

    public bool IsRequest => Type.Name.EndsWith("Request", StringComparison.Ordinal);

    public IEnumerable<short> Versions => Enumerable.Range(MinVersion, MaxVersion - MinVersion + 1).Select(v => (short)v);

    public abstract object Read(ReadOnlyMemory<byte> body, short version, out int remaining);

    public abstract void Write(object message, KafkaWriter writer, short version);

    public byte[] WriteToArray(object message, short version)
    {
        using var writer = new KafkaWriter();
        Write(message, writer, version);
        return writer.ToArray();
    }

    public static IReadOnlyList<MessageCodec> All { get; } =
    [
        Of<ApiVersionsRequest>(), Of<ApiVersionsResponse>(),
        Of<MetadataRequest>(), Of<MetadataResponse>(),
        Of<ProduceRequest>(), Of<ProduceResponse>(),
        Of<InitProducerIdRequest>(), Of<InitProducerIdResponse>(),
        Of<FetchRequest>(), Of<FetchResponse>(),
        Of<ListOffsetsRequest>(), Of<ListOffsetsResponse>(),
        Of<OffsetForLeaderEpochRequest>(), Of<OffsetForLeaderEpochResponse>(),
        Of<FindCoordinatorRequest>(), Of<FindCoordinatorResponse>(),
        Of<JoinGroupRequest>(), Of<JoinGroupResponse>(),
        Of<SyncGroupRequest>(), Of<SyncGroupResponse>(),
        Of<HeartbeatRequest>(), Of<HeartbeatResponse>(),
        Of<LeaveGroupRequest>(), Of<LeaveGroupResponse>(),
        Of<OffsetCommitRequest>(), Of<OffsetCommitResponse>(),
        Of<OffsetFetchRequest>(), Of<OffsetFetchResponse>(),
        Of<CreateTopicsRequest>(), Of<CreateTopicsResponse>(),
        Of<DeleteTopicsRequest>(), Of<DeleteTopicsResponse>(),
        Of<DescribeConfigsRequest>(), Of<DescribeConfigsResponse>(),
        Of<CreatePartitionsRequest>(), Of<CreatePartitionsResponse>(),
        Of<AddPartitionsToTxnRequest>(), Of<AddPartitionsToTxnResponse>(),
        Of<AddOffsetsToTxnRequest>(), Of<AddOffsetsToTxnResponse>(),
        Of<EndTxnRequest>(), Of<EndTxnResponse>(),
        Of<TxnOffsetCommitRequest>(), Of<TxnOffsetCommitResponse>(),
    ];

    public static MessageCodec Named(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var codec in All)
        {
            data.Add(codec.Name);
        }

        return data;
    }

    public static TheoryData<string, short> NamesAndVersions()
    {
        var data = new TheoryData<string, short>();
        foreach (var codec in All)
        {
            foreach (var version in codec.Versions)
            {
                data.Add(codec.Name, version);
            }
        }

        return data;
    }

    private static MessageCodec<T> Of<T>()
        where T : IKafkaMessage<T> => new();
}

internal sealed class MessageCodec<T> : MessageCodec
    where T : IKafkaMessage<T>
{
    public override Type Type => typeof(T);

    public override ApiKey ApiKey => T.ApiKey;

    public override short MinVersion => T.LowestSupportedVersion;

    public override short MaxVersion => T.HighestSupportedVersion;

    public override object Read(ReadOnlyMemory<byte> body, short version, out int remaining)
    {
        var reader = new KafkaReader(body);
        var message = T.Read(ref reader, version);
        remaining = reader.Remaining;
        return message;
    }

    public override void Write(object message, KafkaWriter writer, short version) => ((T)message).Write(writer, version);
}
