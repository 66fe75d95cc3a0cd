using ReliableKafka.Cli.Advise;
using ReliableKafka.Cli.Lint;
using ReliableKafka.Configuration;

namespace ReliableKafka.Cli.Tests.Advise;

public sealed class AdvisorTests
{
    private static AdviceAnswers Answers(LossImpact impact = LossImpact.Critical, int latency = 100, int brokers = 3, int rate = 2000, bool deduplicate = true) =>
        new(impact, latency, brokers, rate, deduplicate);

    private static string Setting(ProducerAdvice advice, string key) => advice.Producer.Single(p => p.Key == key).Value;

    [Fact]
    public void Critical_with_three_brokers_is_the_critical_profile_and_topic_without_warnings()
    {
        var advice = Advisor.Advise(Answers());

        Assert.Equal(ReliabilityProfile.Critical, advice.Profile);
        Assert.Equal("all", Setting(advice, "acks"));
        Assert.Equal("true", Setting(advice, "enable.idempotence"));
        Assert.Equal(new TopicAdvice(3, 2, false), advice.Topic);
        Assert.Empty(advice.Warnings);
        Assert.Empty(advice.Findings);
        Assert.Equal("bootstrap.servers", advice.Producer[0].Key);
    }

    [Theory]
    [InlineData(LossImpact.Critical, ReliabilityProfile.Critical)]
    [InlineData(LossImpact.Minor, ReliabilityProfile.Analytics)]
    [InlineData(LossImpact.None, ReliabilityProfile.Metrics)]
    public void The_profile_defaults_and_topic_requirements_come_from_ReliabilityProfiles(LossImpact impact, ReliabilityProfile profile)
    {
        var advice = Advisor.Advise(Answers(impact, latency: 1000, brokers: 5, rate: 100));

        Assert.Equal(profile, advice.Profile);
        foreach (var (key, value) in ReliabilityProfiles.GetDefaults(profile))
        {
            Assert.Equal(value, Setting(advice, key));
        }

        var required = ReliabilityProfiles.GetTopicRequirements(profile);
        Assert.Equal(new TopicAdvice(required.ReplicationFactor, required.MinInSyncReplicas, required.UncleanLeaderElectionAllowed), advice.Topic);
    }

    [Theory]
    [InlineData(2, 2, 2, "with 2, writes stop")]
    [InlineData(1, 1, 1, "with 1, every event has a single copy")]
    public void Critical_with_fewer_than_three_brokers_warns(int brokers, int replication, int minInSync, string warning)
    {
        var advice = Advisor.Advise(Answers(brokers: brokers));

        Assert.Equal(replication, advice.Topic.ReplicationFactor);
        Assert.Equal(minInSync, advice.Topic.MinInSyncReplicas);
        Assert.Contains(advice.Warnings, w => w.StartsWith("Critical needs 3 brokers", StringComparison.Ordinal) && w.Contains(warning, StringComparison.Ordinal));
    }

    [Fact]
    public void Analytics_fits_the_replication_factor_to_the_brokers()
    {
        var advice = Advisor.Advise(Answers(LossImpact.Minor, brokers: 2));

        Assert.Equal(new TopicAdvice(2, 1, false), advice.Topic);
        Assert.Empty(advice.Warnings);
    }

    [Theory]
    [InlineData(100, "5")]
    [InlineData(20, "2")]
    [InlineData(5, "0")]
    public void Linger_is_at_most_a_tenth_of_the_latency_budget(int latency, string linger)
    {
        Assert.Equal(linger, Setting(Advisor.Advise(Answers(latency: latency)), "linger.ms"));
    }

    [Fact]
    public void A_tight_budget_for_critical_warns_but_keeps_acks_all()
    {
        var advice = Advisor.Advise(Answers(latency: 5));

        Assert.Equal("all", Setting(advice, "acks"));
        Assert.Contains(advice.Warnings, w => w.Contains("tight for acks=all", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(LossImpact.Critical, 2_000, "16384")]
    [InlineData(LossImpact.Critical, 20_000, "65536")]
    [InlineData(LossImpact.Critical, 100_000, "131072")]
    [InlineData(LossImpact.None, 20_000, "131072")]
    public void High_rates_get_larger_batches_never_smaller_than_the_profile(LossImpact impact, int rate, string batch)
    {
        Assert.Equal(batch, Setting(Advisor.Advise(Answers(impact, rate: rate)), "batch.size"));
    }

    [Fact]
    public void Consumers_that_do_not_deduplicate_get_a_warning_for_critical()
    {
        var advice = Advisor.Advise(Answers(deduplicate: false));

        Assert.Contains(advice.Warnings, w => w.StartsWith("Consumers do not deduplicate", StringComparison.Ordinal) && w.Contains("event id", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_bootstrap_servers_replace_the_placeholders()
    {
        Assert.Equal("b1:9092", Setting(Advisor.Advise(Answers() with { BootstrapServers = " b1:9092 " }), "bootstrap.servers"));
        Assert.Equal("kafka-1:9092,kafka-2:9092", Setting(Advisor.Advise(Answers(brokers: 2)), "bootstrap.servers"));
    }

    public static TheoryData<LossImpact, int, int, int, bool> AllKindsOfAnswers()
    {
        var data = new TheoryData<LossImpact, int, int, int, bool>();
        foreach (var impact in Enum.GetValues<LossImpact>())
        {
            foreach (var (latency, brokers, rate, deduplicate) in new[] { (1, 1, 1, false), (9, 2, 10_000, true), (100, 3, 2000, true), (600_000, 7, 100_000_000, false) })
            {
                data.Add(impact, latency, brokers, rate, deduplicate);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllKindsOfAnswers))]
    public void Every_advice_passes_the_rule_set_as_advice_and_as_a_linted_properties_file(LossImpact impact, int latency, int brokers, int rate, bool deduplicate)
    {
        var advice = Advisor.Advise(new AdviceAnswers(impact, latency, brokers, rate, deduplicate));

        Assert.DoesNotContain(advice.Findings, f => f.Severity != FindingSeverity.Info);
        var file = new ProducerConfigFile("advised.properties", ConfigFormat.Properties, null, PropertiesParser.Parse(ConfigRenderer.Properties(advice)), null, []);
        var report = Linter.Lint(file, advice.Profile);
        Assert.DoesNotContain(report.Findings, f => f.Finding.Severity != FindingSeverity.Info);
        Assert.Equal(advice.Producer.Count, file.Settings.Count);
    }

    [Fact]
    public void Non_positive_answers_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Advisor.Advise(Answers(brokers: 0)));
    }
}
