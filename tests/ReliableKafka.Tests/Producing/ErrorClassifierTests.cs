using Confluent.Kafka;

namespace ReliableKafka.Tests.Producing;

public sealed class ErrorClassifierTests
{
    [Theory]
    [InlineData(ErrorCode.Local_MsgTimedOut, FailureKind.Retriable)]
    [InlineData(ErrorCode.NotEnoughReplicas, FailureKind.Retriable)]
    [InlineData(ErrorCode.NotEnoughReplicasAfterAppend, FailureKind.Retriable)]
    [InlineData(ErrorCode.NotLeaderForPartition, FailureKind.Retriable)]
    [InlineData(ErrorCode.RequestTimedOut, FailureKind.Retriable)]
    [InlineData(ErrorCode.Local_Transport, FailureKind.Retriable)]
    [InlineData(ErrorCode.Local_AllBrokersDown, FailureKind.Retriable)]
    [InlineData(ErrorCode.NetworkException, FailureKind.Retriable)]
    [InlineData(ErrorCode.TopicAuthorizationFailed, FailureKind.Configuration)]
    [InlineData(ErrorCode.UnknownTopicOrPart, FailureKind.Configuration)]
    [InlineData(ErrorCode.SaslAuthenticationFailed, FailureKind.Configuration)]
    [InlineData(ErrorCode.MsgSizeTooLarge, FailureKind.Fatal)]
    [InlineData(ErrorCode.InvalidRecord, FailureKind.Fatal)]
    [InlineData(ErrorCode.Local_Fatal, FailureKind.Fatal)]
    [InlineData(ErrorCode.InvalidProducerEpoch, FailureKind.Fatal)]
    public void Common_producer_error_codes_are_classified(ErrorCode code, FailureKind expected) =>
        Assert.Equal(expected, ErrorClassifier.Classify(code));

    [Fact]
    public void Every_error_code_has_a_kind_and_only_no_error_is_none()
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            var kind = ErrorClassifier.Classify(code);
            Assert.True(Enum.IsDefined(kind), $"{code} classified as {kind}");
            Assert.Equal(code == ErrorCode.NoError, kind == FailureKind.None);
        }
    }

    [Fact]
    public void An_error_flagged_fatal_by_librdkafka_is_fatal_whatever_its_code()
    {
        Assert.Equal(FailureKind.Fatal, ErrorClassifier.Classify(new Error(ErrorCode.UnknownProducerId, "fenced", isFatal: true)));
        Assert.Equal(FailureKind.Retriable, ErrorClassifier.Classify(new Error(ErrorCode.UnknownProducerId, "bump", isFatal: false)));
    }
}
