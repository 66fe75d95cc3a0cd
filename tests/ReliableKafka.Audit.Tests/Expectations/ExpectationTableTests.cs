using ReliableKafka.Audit.Expectations;

namespace ReliableKafka.Audit.Tests.Expectations;

public sealed class ExpectationTableTests
{
    private const Expectation F = Expectation.Forbidden;
    private const Expectation P = Expectation.Possible;
    private const Expectation E = Expectation.Expected;

    private static (Expectation, Expectation, Expectation) For(string scenario, AuditConfiguration configuration)
    {
        var expected = ExpectationTable.For(scenario, configuration.Traits);
        return (expected.Loss, expected.Duplication, expected.Reordering);
    }

    public static TheoryData<string> AllButUnclean => [.. ScenarioIds.All.Where(static s => s != ScenarioIds.UncleanElection)];

    [Theory]
    [MemberData(nameof(AllButUnclean))]
    public void Critical_and_at_least_once_may_not_lose_duplicate_or_reorder_outside_unclean_election(string scenario)
    {
        Assert.Equal((F, F, F), For(scenario, AuditConfigurations.Critical));
        Assert.Equal((F, F, F), For(scenario, AuditConfigurations.AtLeastOnce));
    }

    [Fact]
    public void Idempotence_without_room_to_retry_may_duplicate_under_lost_acks_and_says_why()
    {
        var tight = new Dictionary<string, string> { ["message.timeout.ms"] = "1500", ["request.timeout.ms"] = "1000", ["socket.timeout.ms"] = "1000" };
        var roomy = new Dictionary<string, string> { ["message.timeout.ms"] = "5000", ["request.timeout.ms"] = "1000", ["socket.timeout.ms"] = "1000" };
        var librdkafkaDefaults = new Dictionary<string, string> { ["message.timeout.ms"] = "30000" };

        var tightLostAcks = ExpectationTable.For(ScenarioIds.LostAcks, AuditConfigurations.AtLeastOnce.Traits, tight);

        Assert.Equal((F, P, F), (tightLostAcks.Loss, tightLostAcks.Duplication, tightLostAcks.Reordering));
        Assert.Contains("delivery.timeout.ms 1500 is less than twice the time the client waits for an answer (1000 ms", tightLostAcks.Why, StringComparison.Ordinal);
        Assert.Equal(F, ExpectationTable.For(ScenarioIds.LostAcks, AuditConfigurations.Critical.Traits, roomy).Duplication);
        Assert.Equal(F, ExpectationTable.For(ScenarioIds.LeaderCrash, AuditConfigurations.AtLeastOnce.Traits, tight).Duplication);
        Assert.Equal(P, ExpectationTable.For(ScenarioIds.LostAcks, AuditConfigurations.AtLeastOnce.Traits, librdkafkaDefaults).Duplication);
        Assert.Equal(E, ExpectationTable.For(ScenarioIds.LostAcks, AuditConfigurations.AcksAll.Traits, tight).Duplication);
    }

    [Fact]
    public void Unclean_election_may_lose_anything_for_every_configuration()
    {
        Assert.All(AuditConfigurations.All, static c => Assert.Equal((P, P, P), For(ScenarioIds.UncleanElection, c)));
    }

    [Fact]
    public void Acks_1_and_acks_0_lose_when_the_leader_crashes_with_lagging_followers()
    {
        Assert.Equal(E, For(ScenarioIds.LeaderCrash, AuditConfigurations.Acks1).Item1);
        Assert.Equal(E, For(ScenarioIds.LeaderCrash, AuditConfigurations.Acks0).Item1);
        Assert.Equal(F, For(ScenarioIds.LeaderCrash, AuditConfigurations.AcksAll).Item1);
    }

    [Fact]
    public void Acks_all_without_idempotence_duplicates_under_lost_acks_and_may_reorder()
    {
        Assert.Equal((F, E, P), For(ScenarioIds.LostAcks, AuditConfigurations.AcksAll));
    }

    [Fact]
    public void Acks_0_gets_no_response_so_lost_acks_changes_nothing_and_it_never_duplicates()
    {
        Assert.Equal((F, F, F), For(ScenarioIds.LostAcks, AuditConfigurations.Acks0));
        Assert.All(ScenarioIds.All.Where(static s => s != ScenarioIds.UncleanElection), static s => Assert.Equal(F, For(s, AuditConfigurations.Acks0).Item2));
    }

    [Fact]
    public void An_oversized_message_is_lost_silently_only_with_acks_0()
    {
        Assert.Equal((E, F, F), For(ScenarioIds.Oversized, AuditConfigurations.Acks0));
        Assert.Equal((F, F, F), For(ScenarioIds.Oversized, AuditConfigurations.Acks1));
    }

    [Fact]
    public void One_request_in_flight_cannot_reorder()
    {
        var single = AuditConfiguration.Create("single", "acks=all, max.in.flight 1", new Dictionary<string, string> { ["acks"] = "all", ["max.in.flight.requests.per.connection"] = "1" });

        Assert.Equal((F, E, F), For(ScenarioIds.LostAcks, single));
    }

    [Fact]
    public void Every_expectation_says_why()
    {
        foreach (var scenario in ScenarioIds.All)
        {
            foreach (var configuration in AuditConfigurations.All)
            {
                Assert.False(string.IsNullOrWhiteSpace(ExpectationTable.For(scenario, configuration.Traits).Why));
            }
        }
    }
}
