using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;

namespace ReliableKafka.Simulator.Tests.Groups;

/// <summary>
/// Who may commit offsets for a classic group, as Kafka's ClassicGroup.validateOffsetCommit decides, through real
/// librdkafka clients. Each test names the test of Apache Kafka's <c>OffsetMetadataManagerTest</c> it follows.
/// </summary>
public sealed class OffsetCommitRulesTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private SimulatedCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start();
        _cluster.CreateTopic("ledger", new TopicSettings(1, 3, 2));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IConsumer<Ignore, string> Consumer(string group) =>
        new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = group,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
            EnableAutoCommit = false,
        }).SetLogHandler(static (_, _) => { }).Build();

    /// <summary>
    /// OffsetMetadataManagerTest.testGenericGroupOffsetCommitWithoutMemberIdAndGeneration: a commit without member id
    /// and generation (an assign()-only consumer, an admin tool) is refused with UNKNOWN_MEMBER_ID while the group has
    /// members, and the members' committed offset stays.
    /// </summary>
    [Fact]
    public async Task A_commit_without_generation_is_refused_while_the_group_has_members()
    {
        using var member = Consumer("billing");
        member.Subscribe("ledger");
        await Eventually.WaitUntilAsync(() => { member.Consume(TimeSpan.FromMilliseconds(100)); return member.Assignment.Count == 1; }, Patience, "the member gets its assignment");
        member.Commit([new TopicPartitionOffset("ledger", 0, 7)]);

        using var outsider = Consumer("billing");
        outsider.Assign(new TopicPartitionOffset("ledger", 0, Offset.Beginning));
        var refused = Assert.ThrowsAny<KafkaException>(() => outsider.Commit([new TopicPartitionOffset("ledger", 0, 99)]));

        Assert.Equal(ErrorCode.UnknownMemberId, refused.Error.Code);
        Assert.Equal(7, outsider.Committed([new TopicPartition("ledger", 0)], Patience).Single().Offset.Value);
    }

    /// <summary>OffsetMetadataManagerTest.testSimpleGroupOffsetCommit: the same commit is accepted when the group is empty (no members).</summary>
    [Fact]
    public void A_commit_without_generation_is_accepted_for_an_empty_group()
    {
        using var outsider = Consumer("reporting");
        outsider.Assign(new TopicPartitionOffset("ledger", 0, Offset.Beginning));

        outsider.Commit([new TopicPartitionOffset("ledger", 0, 42)]);

        Assert.Equal(42, outsider.Committed([new TopicPartition("ledger", 0)], Patience).Single().Offset.Value);
    }
}
