using ReliableKafka.Audit.Expectations;

namespace ReliableKafka.Audit.Tests.Expectations;

public sealed class VerdictRulesTests
{
    private static readonly ExpectedBehaviour NoneAllowed = new(Expectation.Forbidden, Expectation.Forbidden, Expectation.Forbidden, "");
    private static readonly ExpectedBehaviour LossExpected = new(Expectation.Expected, Expectation.Possible, Expectation.Possible, "");

    [Fact]
    public void A_clean_run_where_nothing_is_allowed_passes()
    {
        var (verdict, reasons, critical) = VerdictRules.Judge(new AuditCounts { Sent = 10, Acknowledged = 10 }, NoneAllowed, isCritical: true, acks: -1);

        Assert.Equal((Verdict.Pass, false), (verdict, critical));
        Assert.Empty(reasons);
    }

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(0, 1, 0)]
    [InlineData(0, 0, 1)]
    public void A_critical_configuration_that_loses_duplicates_or_reorders_where_forbidden_is_a_critical_violation(long lost, long duplicated, long reordered)
    {
        var (verdict, reasons, critical) = VerdictRules.Judge(new AuditCounts { Lost = lost, Duplicated = duplicated, Reordered = reordered }, NoneAllowed, isCritical: true, acks: -1);

        Assert.Equal((Verdict.Unexpected, true), (verdict, critical));
        Assert.StartsWith("UNEXPECTED: 1 ", Assert.Single(reasons));
    }

    [Fact]
    public void A_forbidden_anomaly_in_a_configuration_not_marked_critical_is_unexpected_but_not_a_critical_violation()
    {
        var (verdict, _, critical) = VerdictRules.Judge(new AuditCounts { Lost = 3 }, NoneAllowed, isCritical: false, acks: -1);

        Assert.Equal((Verdict.Unexpected, false), (verdict, critical));
    }

    [Fact]
    public void An_expected_loss_that_happened_is_expected()
    {
        var (verdict, reasons, _) = VerdictRules.Judge(new AuditCounts { Lost = 84 }, LossExpected, isCritical: false, acks: 1);

        Assert.Equal(Verdict.Expected, verdict);
        Assert.Equal("84 acknowledged records lost (expected here)", Assert.Single(reasons));
    }

    [Fact]
    public void An_expected_loss_that_did_not_happen_is_reported_loudly()
    {
        var (verdict, reasons, critical) = VerdictRules.Judge(new AuditCounts(), LossExpected, isCritical: false, acks: 1);

        Assert.Equal((Verdict.Unexpected, false), (verdict, critical));
        Assert.StartsWith("UNEXPECTED: no record was lost", Assert.Single(reasons));
    }

    [Fact]
    public void A_possible_anomaly_that_happened_is_expected()
    {
        var possible = new ExpectedBehaviour(Expectation.Possible, Expectation.Possible, Expectation.Possible, "");

        Assert.Equal(Verdict.Expected, VerdictRules.Judge(new AuditCounts { Duplicated = 2 }, possible, isCritical: true, acks: -1).Verdict);
        Assert.Equal(Verdict.Pass, VerdictRules.Judge(new AuditCounts(), possible, isCritical: true, acks: -1).Verdict);
    }

    [Fact]
    public void A_not_persisted_failure_found_in_the_log_is_unexpected_except_with_acks_0()
    {
        var counts = new AuditCounts { Failed = 1, UnacknowledgedPresent = 1, NotPersistedButPresent = 1 };

        Assert.Equal(Verdict.Unexpected, VerdictRules.Judge(counts, NoneAllowed, isCritical: true, acks: -1).Verdict);
        Assert.Equal(Verdict.Pass, VerdictRules.Judge(counts, NoneAllowed, isCritical: false, acks: 0).Verdict);
    }
}
