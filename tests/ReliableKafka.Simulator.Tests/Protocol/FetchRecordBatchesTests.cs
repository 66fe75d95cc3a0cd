using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Protocol;

public sealed class FetchRecordBatchesTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(11)]
    public void Batches_written_back_to_back_are_the_same_bytes_as_one_joined_records_field(short version)
    {
        var first = RecordBatchBuilder.Create(3);
        var second = RecordBatchBuilder.Create(5);
        FetchResponse Response(FetchResponse.PartitionData data) => new()
        {
            Responses = [new FetchResponse.FetchableTopicResponse { Topic = "t", Partitions = [data] }],
        };

        using var joined = new KafkaWriter();
        Response(new FetchResponse.PartitionData { Records = (byte[])[.. first, .. second], AbortedTransactions = [] }).Write(joined, version);
        using var segmented = new KafkaWriter();
        Response(new FetchResponse.PartitionData { RecordBatches = [first, second], Records = null, AbortedTransactions = [] }).Write(segmented, version);

        Assert.Equal(joined.WrittenSpan.ToArray(), segmented.WrittenSpan.ToArray());
        var reader = new KafkaReader(segmented.WrittenMemory);
        var read = FetchResponse.Read(ref reader, version);
        Assert.Equal(first.Length + second.Length, read.Responses[0].Partitions[0].Records!.Value.Length);
    }
}
