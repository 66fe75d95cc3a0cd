using System.Text.Json;

namespace ReliableKafka.Cli.Tests.Lint;

public sealed class LintCommandTests : IDisposable
{
    /// <summary>A common mistake: idempotence with ten requests in flight.</summary>
    private const string TenInFlightConfig = """
        bootstrap.servers=kafka-1:9092,kafka-2:9092,kafka-3:9092
        acks=all
        enable.idempotence=true
        max.in.flight.requests.per.connection=10
        """;

    private const string Secret = "hunter2-do-not-print";

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task EndToEnd_a_config_with_ten_in_flight_is_an_RK005_error_and_exit_1()
    {
        var file = _files.Write("ten-in-flight.properties", TenInFlightConfig);

        var run = await RkProcess.RunAsync("lint", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("RK005", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("max.in.flight.requests.per.connection <= 5, but it is 10", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Set max.in.flight.requests.per.connection to 5", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL: 1 error(s)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_has_the_documented_fields_and_the_RK005_error()
    {
        var file = _files.Write("ten-in-flight.properties", TenInFlightConfig);

        var run = await RkInProcess.RunAsync("lint", file, "--json", "--profile", "Critical");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal(file, root.GetProperty("file").GetString());
        Assert.Equal("properties", root.GetProperty("format").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("section").ValueKind);
        Assert.Equal("Critical", root.GetProperty("profile").GetString());
        Assert.Equal(1, root.GetProperty("exitCode").GetInt32());
        Assert.Equal(1, root.GetProperty("errors").GetInt32());
        Assert.Equal(0, root.GetProperty("warnings").GetInt32());
        Assert.Equal(0, root.GetProperty("infos").GetInt32());
        var finding = Assert.Single(root.GetProperty("findings").EnumerateArray());
        Assert.Equal("RK005", finding.GetProperty("ruleId").GetString());
        Assert.Equal("error", finding.GetProperty("severity").GetString());
        Assert.Equal("max.in.flight.requests.per.connection", finding.GetProperty("property").GetString());
        Assert.Contains("but it is 10", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Set max.in.flight.requests.per.connection to 5", finding.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal("Critical", finding.GetProperty("profile").GetString());
    }

    [Fact]
    public async Task Warnings_alone_exit_0()
    {
        var file = _files.Write("short.properties", """
            bootstrap.servers=kafka-1:9092
            acks=all
            enable.idempotence=true
            request.timeout.ms=10000
            delivery.timeout.ms=20000
            """);

        var run = await RkInProcess.RunAsync("lint", file);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("RK011", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("RK012", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("warning", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("OK: 0 error(s), 2 warning(s)", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_secret_value_is_never_printed_even_when_another_property_repeats_it(bool json)
    {
        // linger.ms holds the password by mistake: its RK003 message would quote it, so it must be masked.
        var file = _files.Write("secret.properties", $"""
            bootstrap.servers=kafka-1:9092
            sasl.password={Secret}
            ssl.key.password={Secret}-key
            linger.ms={Secret}
            sasl.passwrd=typo-{Secret}
            """);

        var run = json ? await RkInProcess.RunAsync("lint", file, "--json") : await RkInProcess.RunAsync("lint", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("RK003", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("[redacted]", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_in_an_appsettings_section_is_never_printed()
    {
        var file = _files.Write("appsettings.json", $$"""
            {
              "Logging": { "LogLevel": { "Default": "Information" } },
              "Kafka": { "Producer": { "bootstrap.servers": "kafka-1:9092", "sasl.password": "{{Secret}}", "acks": "{{Secret}}" } }
            }
            """);

        var run = await RkInProcess.RunAsync("lint", file, "--json");

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("Kafka:Producer", json.RootElement.GetProperty("section").GetString());
        Assert.Contains(json.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "RK003");
        Assert.DoesNotContain("hunter2", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Section_option_picks_one_of_several_sections()
    {
        var file = _files.Write("two.json", """
            {
              "Kafka": {
                "Orders": { "bootstrap.servers": "kafka-1:9092", "acks": "1" },
                "Metrics": { "bootstrap.servers": "kafka-1:9092", "acks": "0" }
              }
            }
            """);

        var ambiguous = await RkInProcess.RunAsync("lint", file);
        var chosen = await RkInProcess.RunAsync("lint", file, "--section", "kafka:orders", "--profile", "critical");

        Assert.Equal(2, ambiguous.ExitCode);
        Assert.Contains("several sections hold producer settings (Kafka:Orders, Kafka:Metrics); choose one with --section", ambiguous.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, chosen.ExitCode);
        Assert.Contains("(section Kafka:Orders)", chosen.Stdout, StringComparison.Ordinal);
        Assert.Contains("RK008", chosen.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_exit_2()
    {
        var missing = _files.PathOf("nowhere.properties");

        var run = await RkInProcess.RunAsync("lint", missing);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"rk lint: {missing}: no such file.", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task Malformed_json_is_exit_2_with_line_and_position()
    {
        var file = _files.Write("bad.json", "{\n  \"acks\": \"all\",\n  \"linger.ms\": 5\n  \"batch.size\": 16384\n}\n");

        var text = await RkInProcess.RunAsync("lint", file);
        var json = await RkInProcess.RunAsync("lint", file, "--json");

        Assert.Equal(2, text.ExitCode);
        Assert.Contains("malformed JSON at line 4, position 3:", text.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, json.ExitCode);
        using var document = JsonDocument.Parse(json.Stdout);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(2, document.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal(4, error.GetProperty("line").GetInt32());
        Assert.Equal(3, error.GetProperty("position").GetInt32());
    }

    [Fact]
    public async Task Malformed_properties_are_exit_2_with_line_and_position()
    {
        var file = _files.Write("bad.properties", "# producer\nacks=all\nlinger.ms 5\n");

        var run = await RkInProcess.RunAsync("lint", file);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("malformed .properties at line 3, position 11: expected '=' after the property name", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_profile_is_exit_2()
    {
        var file = _files.Write("ok.properties", "bootstrap.servers=kafka-1:9092\n");

        var run = await RkInProcess.RunAsync("lint", file, "--profile", "Gold");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--profile 'Gold' is not a profile; use Critical, Analytics or Metrics.", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_flag_is_a_parse_error_with_a_non_zero_exit()
    {
        var file = _files.Write("ok.properties", "bootstrap.servers=kafka-1:9092\n");

        var run = await RkInProcess.RunAsync("lint", file, "--strict-mode");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Unknown option 'strict-mode'", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_argument_is_a_parse_error()
    {
        var run = await RkInProcess.RunAsync("lint");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("FILE", run.Output, StringComparison.Ordinal);
    }
}
