using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReliableKafka.DeadLetters;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Tests.Infrastructure;

namespace ReliableKafka.Tests.DependencyInjection;

public sealed class AddReliableKafkaTests
{
    private static IHost BuildHost(Dictionary<string, string?> settings, CapturingLogger? log = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        if (log is not null)
        {
            builder.Logging.AddProvider(log);
        }

        builder.Services.AddReliableKafka(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task Start_fails_with_one_exception_listing_every_problem()
    {
        using var host = BuildHost(new()
        {
            ["Kafka:BootstrapServers"] = "kafka:9092",
            ["Kafka:Settings:sasl.password"] = "do-not-print-me",
            ["Kafka:Profiles:Critical:acks"] = "1",
            ["Kafka:Profiles:Critical:max.in.flight.requests.per.connection"] = "10",
            ["Kafka:Profiles:Analytics:lingr.ms"] = "10",
        });

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            [
                "Kafka Critical producer: RK004 enable.idempotence=true requires acks=all, but acks is 1. Fix: Set acks=all (or remove it: librdkafka then uses all).",
                "Kafka Critical producer: RK005 enable.idempotence=true requires max.in.flight.requests.per.connection <= 5, but it is 10. Fix: Set max.in.flight.requests.per.connection to 5 (the broker keeps order and removes duplicates for up to 5 requests in flight).",
                "Kafka Critical producer: RK008 acks=1 under the Critical profile: an acknowledged event is lost when the leader fails before its followers copy it. Fix: Set acks=all, or publish these events with the Analytics (acks=1) or Metrics (acks=0) profile.",
                "Kafka Analytics producer: RK002 'lingr.ms' is not a producer property librdkafka knows; did you mean 'linger.ms'? Fix: Rename it to 'linger.ms'.",
            ],
            exception.Failures);
        Assert.DoesNotContain("do-not-print-me", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_bootstrap_servers_stops_the_start()
    {
        using var host = BuildHost(new() { ["Kafka:DeadLetters:Topic"] = "dlq" });

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(exception.Failures, static f => f.StartsWith("Kafka Critical producer: RK001 bootstrap.servers is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_profile_has_its_own_producer_and_critical_is_the_default()
    {
        using var cluster = MockKafkaCluster.Start(3);
        var spill = TestProducers.TempSpillPath();
        var log = new CapturingLogger();
        using var host = BuildHost(
            new()
            {
                ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
                ["Kafka:Settings:client.id"] = "task-api",
                ["Kafka:Profiles:Analytics:linger.ms"] = "50",
                ["Kafka:DeadLetters:SpillPath"] = spill,
                ["Kafka:DeadLetters:Topic"] = "task-events.dead",
            },
            log);
        await host.StartAsync();

        var critical = host.Services.GetRequiredService<ReliableProducer<string, string>>();
        var analytics = host.Services.GetRequiredKeyedService<ReliableProducer<string, string>>(ReliabilityProfile.Analytics);
        var metrics = host.Services.GetRequiredKeyedService<ReliableProducer<string, string>>(ReliabilityProfile.Metrics);

        Assert.Same(critical, host.Services.GetRequiredKeyedService<ReliableProducer<string, string>>(ReliabilityProfile.Critical));
        Assert.Equal(("all", "true"), (critical.Configuration["acks"], critical.Configuration["enable.idempotence"]));
        Assert.Equal(("1", "50", "task-api"), (analytics.Configuration["acks"], analytics.Configuration["linger.ms"], analytics.Configuration["client.id"]));
        Assert.Equal("0", metrics.Configuration["acks"]);
        Assert.True((await critical.PublishAsync("task-events", "t-1", "created")).IsDelivered);

        // The replayer reads the dead-letter topic bound from configuration, where the Critical producer put a refused event.
        cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.MsgSizeTooLarge);
        Assert.Equal(FailureDisposition.DeadLettered, (await critical.PublishAsync("task-events", "t-9", "too large")).Disposition);
        var letter = Assert.Single(host.Services.GetRequiredService<DeadLetterReplayer>().ReadTopic(timeout: TimeSpan.FromSeconds(10)));
        Assert.Equal(("task-events.dead", "task-events", "MsgSizeTooLarge"), (letter.TopicPosition!.Topic, letter.OriginalTopic, letter.ErrorCode));

        await host.StopAsync();
        await ((IAsyncDisposable)host.Services).DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => critical.Publish("task-events", "t-2", "late"));
        Assert.Contains(log.Lines, static l => l.Level == LogLevel.Information && l.Text.StartsWith("Producer Critical (Critical) started: acks=all, enable.idempotence=true", StringComparison.Ordinal));
    }
}
