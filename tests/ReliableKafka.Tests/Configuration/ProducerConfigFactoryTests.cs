using Confluent.Kafka;
using ReliableKafka.Configuration;

namespace ReliableKafka.Tests.Configuration;

public sealed class ProducerConfigFactoryTests
{
    [Fact]
    public void Critical_profile_has_the_documented_defaults()
    {
        var config = ProducerConfigFactory.Create(ReliabilityProfile.Critical, "kafka-1:9092,kafka-2:9092");

        Assert.Equal("kafka-1:9092,kafka-2:9092", config.BootstrapServers);
        Assert.Equal(Acks.All, config.Acks);
        Assert.True(config.EnableIdempotence);
        Assert.Equal(5, config.MaxInFlight);
        Assert.Equal(int.MaxValue, config.MessageSendMaxRetries);
        Assert.Equal(100, config.RetryBackoffMs);
        Assert.Equal(120000, config.MessageTimeoutMs);
        Assert.Equal(30000, config.RequestTimeoutMs);
        Assert.Equal(5, config.LingerMs);
        Assert.Equal(16384, config.BatchSize);
        Assert.Equal(CompressionType.Lz4, config.CompressionType);
    }

    [Theory]
    [InlineData(ReliabilityProfile.Analytics, Acks.Leader, false)]
    [InlineData(ReliabilityProfile.Metrics, Acks.None, false)]
    public void Analytics_and_metrics_profiles_use_weaker_acks(ReliabilityProfile profile, Acks acks, bool idempotence)
    {
        var config = ProducerConfigFactory.Create(profile, "kafka:9092");

        Assert.Equal(acks, config.Acks);
        Assert.Equal(idempotence, config.EnableIdempotence);
    }

    [Fact]
    public void Overrides_by_alias_replace_the_profile_default()
    {
        var config = ProducerConfigFactory.Create(
            ReliabilityProfile.Critical,
            "kafka:9092",
            [new("delivery.timeout.ms", "300000"), new("queue.buffering.max.ms", "20"), new("client.id", "task-api")]);

        Assert.Equal(300000, config.MessageTimeoutMs);
        Assert.Equal(20, config.LingerMs);
        Assert.Equal("task-api", config.ClientId);
        Assert.DoesNotContain(config, static p => p.Key is "delivery.timeout.ms" or "queue.buffering.max.ms");
    }

    [Fact]
    public void Overrides_that_weaken_critical_are_rejected_with_every_problem_listed()
    {
        var exception = Assert.Throws<ReliableKafkaConfigurationException>(() => ProducerConfigFactory.Create(
            ReliabilityProfile.Critical,
            "kafka:9092",
            [new("acks", "1"), new("max.in.flight.requests.per.connection", "10")]));

        Assert.Equal(
            "The Critical producer configuration is invalid (3 errors):\n"
            + "  - RK004 enable.idempotence=true requires acks=all, but acks is 1. Fix: Set acks=all (or remove it: librdkafka then uses all).\n"
            + "  - RK005 enable.idempotence=true requires max.in.flight.requests.per.connection <= 5, but it is 10. Fix: Set max.in.flight.requests.per.connection to 5 (the broker keeps order and removes duplicates for up to 5 requests in flight).\n"
            + "  - RK008 acks=1 under the Critical profile: an acknowledged event is lost when the leader fails before its followers copy it. Fix: Set acks=all, or publish these events with the Analytics (acks=1) or Metrics (acks=0) profile.",
            exception.Message);
        Assert.Equal(3, exception.Findings.Count);
    }

    [Fact]
    public void Missing_bootstrap_servers_is_rejected()
    {
        var exception = Assert.Throws<ReliableKafkaConfigurationException>(() => ProducerConfigFactory.Create(ReliabilityProfile.Metrics, null));

        Assert.Contains("RK001 bootstrap.servers is missing", exception.Message, StringComparison.Ordinal);
    }
}
