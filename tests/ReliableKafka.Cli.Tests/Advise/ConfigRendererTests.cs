using System.Text.Json;
using ReliableKafka.Cli.Advise;
using ReliableKafka.Cli.Lint;

namespace ReliableKafka.Cli.Tests.Advise;

public sealed class ConfigRendererTests
{
    private static readonly ProducerAdvice Critical = Advisor.Advise(new AdviceAnswers(LossImpact.Critical, 100, 3, 2000, true, "k1:9092"));

    [Fact]
    public void CSharp_uses_typed_ProducerConfig_properties_for_every_setting()
    {
        var code = ConfigRenderer.CSharp(Critical);

        Assert.Contains("BootstrapServers = \"k1:9092\",", code, StringComparison.Ordinal);
        Assert.Contains("Acks = Acks.All,", code, StringComparison.Ordinal);
        Assert.Contains("EnableIdempotence = true,", code, StringComparison.Ordinal);
        Assert.Contains("MaxInFlight = 5,", code, StringComparison.Ordinal);
        Assert.Contains("MessageSendMaxRetries = int.MaxValue,", code, StringComparison.Ordinal);
        Assert.Contains("MessageTimeoutMs = 120000,", code, StringComparison.Ordinal);
        Assert.Contains("CompressionType = CompressionType.Lz4,", code, StringComparison.Ordinal);
        Assert.DoesNotContain("config.Set(", code, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LossImpact.Minor)]
    [InlineData(LossImpact.None)]
    public void CSharp_of_the_other_profiles_needs_no_untyped_settings(LossImpact impact)
    {
        var code = ConfigRenderer.CSharp(Advisor.Advise(new AdviceAnswers(impact, 100, 3, 2000, true)));

        Assert.DoesNotContain("config.Set(", code, StringComparison.Ordinal);
        Assert.Contains(impact == LossImpact.Minor ? "Acks = Acks.Leader," : "Acks = Acks.None,", code, StringComparison.Ordinal);
    }

    [Fact]
    public void Properties_use_the_documented_names()
    {
        var text = ConfigRenderer.Properties(Critical);

        Assert.StartsWith("# Critical profile", text, StringComparison.Ordinal);
        Assert.Contains("\nbootstrap.servers=k1:9092\n", text, StringComparison.Ordinal);
        Assert.Contains("\nmax.in.flight.requests.per.connection=5\n", text, StringComparison.Ordinal);
        Assert.Contains("\nretries=2147483647\n", text, StringComparison.Ordinal);
        Assert.Contains("\ndelivery.timeout.ms=120000\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_is_the_section_ReliableKafka_binds_and_lint_reads_back()
    {
        var text = ConfigRenderer.AppSettings(Critical);

        using var json = JsonDocument.Parse(text);
        var kafka = json.RootElement.GetProperty("Kafka");
        Assert.Equal("k1:9092", kafka.GetProperty("BootstrapServers").GetString());
        Assert.Equal("all", kafka.GetProperty("Profiles").GetProperty("Critical").GetProperty("acks").GetString());
        var file = ConfigFileReader.ReadJson("appsettings.json", text, null);
        Assert.Equal(ConfigFormat.ReliableKafkaOptions, file.Format);
        Assert.Equal("Kafka", file.Section);
        Assert.Equal("k1:9092", file.Options!.BootstrapServers);
        Assert.Equal("all", file.Options.Profiles[ReliabilityProfile.Critical]["acks"]);
    }
}
