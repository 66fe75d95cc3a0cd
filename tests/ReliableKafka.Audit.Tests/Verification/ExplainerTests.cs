using ReliableKafka.Audit.Verification;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Audit.Tests.Verification;

public sealed class ExplainerTests
{
    private const string Topic = "t";
    private long _sequence;

    private TruthEvent Event(TruthEventKind kind, int broker, long first = -1, long last = -1, int epoch = 0, string? detail = null, int partition = 0, string? topic = Topic, long producerId = -1) =>
        new(++_sequence, DateTimeOffset.UnixEpoch, kind, topic, partition, broker, first, last, epoch, producerId, detail);

    private static VerificationResult With(LostRecord[]? lost = null, DuplicatedRecord[]? duplicated = null, ReorderedRecord[]? reordered = null) =>
        new(new AuditCounts(), [], new LatencySummary(0, 0, 0), lost ?? [], duplicated ?? [], reordered ?? []);

    [Fact]
    public void A_lost_offset_is_explained_by_the_truncation_covering_it_and_the_election_before()
    {
        var appended = Event(TruthEventKind.Appended, 1, 5, 7, detail: "acks=1");
        var elected = Event(TruthEventKind.Elected, 2, 5, epoch: 1) with { Election = ElectionKind.Clean, Isr = [2, 3] };
        var truncated = Event(TruthEventKind.Truncated, 1, 5, 7, epoch: 1) with { Leader = 2 };

        var explanation = Assert.Single(Explainer.Explain(With(lost: [new(10, "k", 0, 5), new(11, "k", 0, 6), new(12, "k", 0, 7)]), [appended, elected, truncated], Topic));

        Assert.Equal(("lost", 0, 5L, 7L, 3), (explanation.Kind, explanation.Partition, explanation.FirstOffset, explanation.LastOffset, explanation.Records));
        Assert.StartsWith("offsets 5-7 truncated when broker 2 became leader in epoch 1 (clean election", explanation.Text);
        Assert.Contains("(clean election; ISR {2,3}): broker 1 truncated offsets 5-7 to follow broker 2 in epoch 1", explanation.Text);
        Assert.Equal([elected.Sequence, truncated.Sequence], explanation.TruthEvents);
    }

    [Fact]
    public void A_lost_offset_no_truncation_covers_is_said_to_be_unexplained()
    {
        Event(TruthEventKind.Appended, 1, 0, 3);

        var explanation = Assert.Single(Explainer.Explain(With(lost: [new(1, "k", 0, 2)]), [], Topic));

        Assert.Contains("no truncation in the ground truth covers them", explanation.Text);
    }

    [Fact]
    public void Lost_records_without_an_offset_are_explained_by_what_their_partition_went_through()
    {
        var crash = Event(TruthEventKind.BrokerStateChanged, 1, partition: -1, topic: null) with { BrokerState = BrokerStateChange.Crashed };
        var elected = Event(TruthEventKind.Elected, 2, epoch: 1) with { Election = ElectionKind.Clean };
        var initial = Event(TruthEventKind.Elected, 1, epoch: 0) with { Election = ElectionKind.Initial };

        var explanation = Assert.Single(Explainer.Explain(With(lost: [new(1, "k", 0, -1), new(2, "k", 0, -1)]), [initial, crash, elected], Topic));

        Assert.Equal(2, explanation.Records);
        Assert.DoesNotContain(initial.Sequence, explanation.TruthEvents);
        Assert.Contains("broker 1 crashed", explanation.Text);
        Assert.Contains("broker 2 became leader of partition 0 in epoch 1", explanation.Text);
    }

    [Fact]
    public void A_duplicate_is_explained_by_its_two_appends_and_the_dropped_response_between_them()
    {
        var original = Event(TruthEventKind.Appended, 1, 10, 11);
        var dropped = Event(TruthEventKind.ResponseDropped, 1, partition: -1, topic: null);
        var otherBroker = Event(TruthEventKind.ResponseDropped, 3, partition: -1, topic: null);
        var retry = Event(TruthEventKind.Appended, 1, 20, 21);

        var explanation = Assert.Single(Explainer.Explain(With(duplicated: [new(4, "k", 0, [10, 20]), new(5, "k", 0, [11, 21])]), [original, dropped, otherBroker, retry], Topic));

        Assert.Equal(("duplicated", 10L, 11L, 2), (explanation.Kind, explanation.FirstOffset, explanation.LastOffset, explanation.Records));
        Assert.Contains("broker 1 dropped a Produce response after the append", explanation.Text);
        Assert.DoesNotContain("broker 3", explanation.Text);
        Assert.Contains("appended again at offsets 20-21", explanation.Text);
        Assert.Contains("(no idempotence, so the broker could not recognise it)", explanation.Text);
        Assert.Equal([original.Sequence, dropped.Sequence, retry.Sequence], explanation.TruthEvents);
    }

    [Fact]
    public void A_duplicate_from_an_idempotent_producer_is_not_blamed_on_missing_idempotence()
    {
        var original = Event(TruthEventKind.Appended, 1, 10, 10, producerId: 7);
        var sameProducer = Event(TruthEventKind.Appended, 1, 20, 20, producerId: 7);
        var original2 = Event(TruthEventKind.Appended, 1, 11, 11, producerId: 7);
        var newProducer = Event(TruthEventKind.Appended, 1, 21, 21, producerId: 8);

        var explanations = Explainer.Explain(With(duplicated: [new(4, "k", 0, [10, 20]), new(5, "k", 0, [11, 21])]), [original, original2, sameProducer, newProducer], Topic).ToList();

        Assert.Equal(2, explanations.Count);
        Assert.All(explanations, static e => Assert.DoesNotContain("no idempotence", e.Text, StringComparison.Ordinal));
        Assert.Contains("(idempotent producer id 7, yet the broker did not recognise the retry", explanations[0].Text, StringComparison.Ordinal);
        Assert.Contains("(idempotent, but the retry came from producer id 8, the original from 7", explanations[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reordered_record_is_explained_as_a_late_retry()
    {
        Event(TruthEventKind.Appended, 1, 0, 0);
        var late = Event(TruthEventKind.Appended, 1, 1, 1);

        var explanation = Assert.Single(Explainer.Explain(With(reordered: [new(3, "k", 0, 1, 4, 0)]), [late], Topic));

        Assert.Equal("reordered", explanation.Kind);
        Assert.Contains("sequence 3 at 1 after sequence 4 at 0", explanation.Text);
    }
}
