using ReliableKafka.Cli.Lint;

namespace ReliableKafka.Cli.Tests.Lint;

public sealed class ConfigFileReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_flat_json_object_reads_numbers_and_booleans_as_text()
    {
        var file = ConfigFileReader.ReadJson("p.json", """{ "acks": "all", "linger.ms": 5, "enable.idempotence": true, "client.id": null }""", null);

        Assert.Equal(ConfigFormat.Json, file.Format);
        Assert.Null(file.Section);
        Assert.Equal([new("acks", "all"), new("linger.ms", "5"), new("enable.idempotence", "true"), new("client.id", null)], file.Settings);
    }

    [Fact]
    public void A_nested_producer_section_is_found_among_other_sections()
    {
        var file = ConfigFileReader.ReadJson("appsettings.json", """
            {
              // appsettings allow comments and trailing commas
              "Logging": { "LogLevel": { "Default": "Information" } },
              "AllowedHosts": "*",
              "Kafka": { "Producer": { "bootstrap.servers": "k:9092", "acks": "all", }, },
            }
            """, null);

        Assert.Equal("Kafka:Producer", file.Section);
        Assert.Equal(2, file.Settings.Count);
    }

    [Fact]
    public void Section_is_found_case_insensitively_and_keeps_the_file_spelling()
    {
        var file = ConfigFileReader.ReadJson("a.json", """{ "Kafka": { "Producer": { "acks": "all" } } }""", "kafka:PRODUCER");

        Assert.Equal("Kafka:Producer", file.Section);
        Assert.Equal("all", Assert.Single(file.Settings).Value);
    }

    [Fact]
    public void A_missing_section_lists_the_sections_that_hold_settings()
    {
        var error = Assert.Throws<ConfigReadException>(() =>
            ConfigFileReader.ReadJson("a.json", """{ "Kafka": { "Producer": { "acks": "all" } } }""", "Kafka:Consumer"));

        Assert.Equal("a.json: section 'Kafka:Consumer' not found; sections with producer settings: Kafka:Producer.", error.Message);
    }

    [Fact]
    public void ReliableKafka_options_shape_is_read_as_the_library_binds_it()
    {
        var file = ConfigFileReader.ReadJson("appsettings.json", """
            { "Kafka": {
                "BootstrapServers": "k:9092",
                "Settings": { "client.id": "task-api", "sasl.password": "pw-secret" },
                "Profiles": { "analytics": { "linger.ms": "50" } },
                "DeadLetters": { "Topic": "dlq" } } }
            """, null);

        Assert.Equal(ConfigFormat.ReliableKafkaOptions, file.Format);
        Assert.Equal("Kafka", file.Section);
        Assert.Equal("k:9092", file.Options!.BootstrapServers);
        Assert.Equal("task-api", file.Options.Settings["client.id"]);
        Assert.Equal("50", file.Options.Profiles[ReliabilityProfile.Analytics]["linger.ms"]);
        Assert.Contains(new KeyValuePair<string, string>("sasl.password", "pw-secret"), file.Values);
    }

    [Theory]
    [InlineData("""{ "Kafka": { "Profiles": { "Gold": { "acks": "all" } } } }""", "'Kafka:Profiles:Gold' is not a profile")]
    [InlineData("""[ { "acks": "all" } ]""", "the JSON is an array; expected an object")]
    [InlineData("""{ "Kafka": { "Producer": { "acks": ["all"] } } }""", "'Kafka:Producer:acks' is an array; a producer property's value must be a string, number or boolean")]
    [InlineData("""{ "Logging": { "LogLevel": { "Default": "Information" } } }""", "no producer settings found")]
    [InlineData("""{ "A": { "acks": "1" }, "B": { "acks": "0" } }""", "several sections hold producer settings (A, B)")]
    public void Json_without_one_readable_producer_configuration_is_rejected(string json, string message)
    {
        var error = Assert.Throws<ConfigReadException>(() => ConfigFileReader.ReadJson("x.json", json, null));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_reports_a_one_based_line_and_position_without_quoting_the_file()
    {
        var error = Assert.Throws<ConfigReadException>(() =>
            ConfigFileReader.ReadJson("x.json", "{\n  \"sasl.password\": \"s3cret\"\n  \"acks\": \"all\"\n}", null));

        Assert.Equal(3, error.Line);
        Assert.Equal(3, error.Position);
        Assert.StartsWith("x.json: malformed JSON at line 3, position 3: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_format_follows_the_extension_then_the_first_character()
    {
        var json = _files.Write("producer.conf", "  { \"acks\": \"all\" }");
        var properties = _files.Write("producer.cfg", "acks=all\n");

        Assert.Equal(ConfigFormat.Json, ConfigFileReader.Read(json, null).Format);
        Assert.Equal(ConfigFormat.Properties, ConfigFileReader.Read(properties, null).Format);
    }

    [Fact]
    public void Section_on_a_properties_file_is_rejected()
    {
        var path = _files.Write("p.properties", "acks=all\n");

        var error = Assert.Throws<ConfigReadException>(() => ConfigFileReader.Read(path, "Kafka"));

        Assert.Contains("--section applies to JSON files", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_or_a_missing_file_is_unreadable()
    {
        var missing = Assert.Throws<ConfigReadException>(() => ConfigFileReader.Read(_files.PathOf("none.properties"), null));
        var directory = Assert.Throws<ConfigReadException>(() => ConfigFileReader.Read(Path.GetTempPath(), null));

        Assert.EndsWith("none.properties: no such file.", missing.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be read", directory.Message, StringComparison.Ordinal);
    }
}
