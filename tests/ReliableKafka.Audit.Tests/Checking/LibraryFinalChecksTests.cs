using System.Text;
using Confluent.Kafka;
using ReliableKafka.Audit.Checking.Library;
using ReliableKafka.Reading;

namespace ReliableKafka.Audit.Tests.Checking;

/// <summary>The library checker's end-of-run rules, on outbox rows, calls and final logs.</summary>
public sealed class LibraryFinalChecksTests
{
    private static TopicRecord<string, Ignore> Record(string topic, int partition, long offset, string key, string eventId) =>
        new(topic, partition, offset, key, null!, new Headers { { "event-id", Encoding.UTF8.GetBytes(eventId) } }, Timestamp.Default, 0);

    private static List<LibraryViolation> Check(IReadOnlyList<OutboxRow> rows, params TopicRecord<string, Ignore>[] records) =>
        Check(rows, static (_, _, _) => null, records);

    private static List<LibraryViolation> Check(IReadOnlyList<OutboxRow> rows, Func<string, int, long, (long, short, int)?> batchAt, params TopicRecord<string, Ignore>[] records)
    {
        var topics = records.GroupBy(static r => r.Topic).ToDictionary(static g => g.Key, static g => g.ToList());
        var effects = records.Where(static r => r.Topic != LibraryTopology.DeadLetterTopic)
            .Select(static r => (LibraryRunner.EventId(r.Headers), r.Topic, r.Partition, r.Offset)).DistinctBy(static e => e.Item1).ToList();
        var written = rows.Select(static r => new WrittenEvent(r.Store, r.EventId, r.Topic, r.Key, true)).ToList();
        var input = new LibraryCheckInput(written, rows, [], topics, new HashSet<string>(), effects, static (_, _, _) => false, batchAt, 1);
        return LibraryFinalChecks.Run(input).Violations;
    }

    /// <summary>
    /// Found by rk check --library: a relay killed after publishing an event left its outcome unknown; its successor
    /// published it again in a batch with an oversized event, and the broker rejected the batch, so the event is dead
    /// and yet on the topic from the first attempt. That is at-least-once; after a single attempt it would be a lie.
    /// </summary>
    [Fact]
    public void A_dead_event_on_the_topic_is_explained_only_by_an_earlier_attempt()
    {
        var topic = LibraryTopology.OutboxTopic;
        OutboxRow Dead(int attempts) => new("postgresql", 1, topic, "k1", "e1", OutboxRow.Dead, attempts, null, null, "MsgSizeTooLarge: Broker: Message size too large");
        var onTopic = Record(topic, 1, 4, "k1", "e1");
        var deadLetter = Record(LibraryTopology.DeadLetterTopic, 0, 0, "k1", "e1");

        Assert.Empty(Check([Dead(attempts: 2)], onTopic, deadLetter));

        var violation = Assert.Single(Check([Dead(attempts: 1)], onTopic, deadLetter));
        Assert.Equal(LibraryPromise.SentIsOnTheTopic, violation.Promise);
        Assert.Contains("after one attempt", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_that_lands_after_a_later_event_of_its_key_breaks_key_order()
    {
        var topic = LibraryTopology.OutboxTopic;
        OutboxRow Sent(long id, string eventId, long offset) => new("sqlite", id, topic, "k1", eventId, OutboxRow.Sent, 2, 0, offset, null);

        Assert.Empty(Check([Sent(1, "e1", 0), Sent(2, "e2", 2)], Record(topic, 0, 0, "k1", "e1"), Record(topic, 0, 1, "k1", "e1"), Record(topic, 0, 2, "k1", "e2")));

        var violations = Check([Sent(1, "e1", 0), Sent(2, "e2", 1)], Record(topic, 0, 0, "k1", "e1"), Record(topic, 0, 1, "k1", "e2"), Record(topic, 0, 2, "k1", "e1"));
        Assert.Equal(LibraryPromise.KeyOrder, Assert.Single(violations).Promise);
    }

    [Fact]
    public void A_pending_event_behind_no_dead_event_has_vanished()
    {
        var topic = LibraryTopology.OutboxTopic;
        var violation = Assert.Single(Check([new OutboxRow("sqlite", 1, topic, "k1", "e1", OutboxRow.Pending, 3, null, null, "Local_MsgTimedOut: timed out")]));

        Assert.Equal(LibraryPromise.NothingVanishes, violation.Promise);
        Assert.Contains("still pending", violation.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// Found by rk check --library: an outbox event published once was on its topic twice. The final log shows why: one
    /// producer id wrote the copies under two epochs; librdkafka bumps the idempotent producer's epoch after messages time
    /// out and re-sends queued batches as new, including one the broker already had. Under one epoch it would be a
    /// broken deduplication.
    /// </summary>
    [Fact]
    public void A_duplicate_after_one_publish_is_explained_by_an_epoch_bump_only()
    {
        var topic = LibraryTopology.OutboxTopic;
        var row = new OutboxRow("sqlite", 1, topic, "k1", "e1", OutboxRow.Sent, 1, 2, 56, null);
        TopicRecord<string, Ignore>[] copies = [Record(topic, 2, 52, "k1", "e1"), Record(topic, 2, 56, "k1", "e1")];

        Assert.Empty(Check([row], (_, _, offset) => (7L, (short)(offset == 52 ? 0 : 1), 3), copies));

        var violation = Assert.Single(Check([row], static (_, _, _) => (7L, (short)0, 3), copies));
        Assert.Equal(LibraryPromise.DuplicatesExplained, violation.Promise);
        Assert.Contains("producer 7 epoch 0 sequence 3", violation.Detail, StringComparison.Ordinal);
    }
}
