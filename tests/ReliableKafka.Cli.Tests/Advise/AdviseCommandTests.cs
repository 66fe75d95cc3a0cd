using System.Text.Json;

namespace ReliableKafka.Cli.Tests.Advise;

public sealed class AdviseCommandTests : IDisposable
{
    private static readonly string[] CriticalAnswers =
        ["advise", "--loss-impact", "critical", "--latency-ms", "100", "--brokers", "3", "--peak-rate", "2000", "--consumers-deduplicate", "yes"];

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Critical_answers_give_acks_all_idempotence_and_rf3_min_insync_2_without_unclean_election()
    {
        var run = await RkInProcess.RunAsync(CriticalAnswers);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Profile: Critical", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"replication\.factor\s+│ 3", run.Stdout);
        Assert.Matches(@"min\.insync\.replicas\s+│ 2", run.Stdout);
        Assert.Matches(@"unclean\.leader\.election\.enable\s+│ false", run.Stdout);
        Assert.Contains("Acks = Acks.All,", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("EnableIdempotence = true,", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("\nacks=all\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("\nenable.idempotence=true\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"acks\": \"all\"", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Why", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("warning:", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Atomic_multi_topic_writes_are_advised_transactions_and_without_them_at_least_once_with_deduplicating_consumers_is_enough()
    {
        var atomic = await RkInProcess.RunAsync([.. CriticalAnswers, "--atomic-topics", "yes", "--json"]);
        var plain = await RkInProcess.RunAsync([.. CriticalAnswers, "--json"]);
        var analytics = await RkInProcess.RunAsync("advise", "--loss-impact", "minor", "--latency-ms", "100", "--brokers", "3", "--peak-rate", "2000", "--consumers-deduplicate", "no", "--atomic-topics", "yes", "--json");
        var bad = await RkInProcess.RunAsync([.. CriticalAnswers, "--atomic-topics", "sometimes"]);

        using var atomicJson = JsonDocument.Parse(atomic.Stdout);
        Assert.True(atomicJson.RootElement.GetProperty("answers").GetProperty("atomicTopics").GetBoolean());
        Assert.Contains(atomicJson.RootElement.GetProperty("reasons").EnumerateArray(), static r => r.GetString()!.Contains("publish them in one Kafka transaction", StringComparison.Ordinal) && r.GetString()!.Contains("read_committed", StringComparison.Ordinal));
        using var plainJson = JsonDocument.Parse(plain.Stdout);
        Assert.False(plainJson.RootElement.GetProperty("answers").GetProperty("atomicTopics").GetBoolean());
        Assert.Contains(plainJson.RootElement.GetProperty("reasons").EnumerateArray(), static r => r.GetString()!.StartsWith("No transactions: no event must appear together with another", StringComparison.Ordinal) && r.GetString()!.Contains("exactly once", StringComparison.Ordinal));
        using var analyticsJson = JsonDocument.Parse(analytics.Stdout);
        var warnings = analyticsJson.RootElement.GetProperty("warnings").EnumerateArray().Select(static w => w.GetString()!).ToList();
        Assert.Contains(warnings, static w => w.Contains("events that must appear together are Critical events", StringComparison.Ordinal));
        Assert.Contains(warnings, static w => w.Contains("TransactionStatus.Unknown", StringComparison.Ordinal));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--atomic-topics 'sometimes' is not yes or no.", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_parses_and_has_the_documented_fields()
    {
        var run = await RkInProcess.RunAsync([.. CriticalAnswers, "--json"]);

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal("Critical", root.GetProperty("profile").GetString());
        var answers = root.GetProperty("answers");
        Assert.Equal("critical", answers.GetProperty("lossImpact").GetString());
        Assert.Equal(100, answers.GetProperty("latencyBudgetMs").GetInt32());
        Assert.Equal(3, answers.GetProperty("brokers").GetInt32());
        Assert.Equal(2000, answers.GetProperty("peakRate").GetInt32());
        Assert.True(answers.GetProperty("consumersDeduplicate").GetBoolean());
        var producer = root.GetProperty("producer");
        Assert.Equal("all", producer.GetProperty("acks").GetString());
        Assert.Equal("true", producer.GetProperty("enable.idempotence").GetString());
        Assert.Equal("5", producer.GetProperty("max.in.flight.requests.per.connection").GetString());
        Assert.Equal("kafka-1:9092,kafka-2:9092,kafka-3:9092", producer.GetProperty("bootstrap.servers").GetString());
        var topic = root.GetProperty("topic");
        Assert.Equal(3, topic.GetProperty("replicationFactor").GetInt32());
        Assert.Equal(2, topic.GetProperty("minInsyncReplicas").GetInt32());
        Assert.False(topic.GetProperty("uncleanLeaderElectionEnable").GetBoolean());
        Assert.NotEmpty(root.GetProperty("reasons").EnumerateArray());
        Assert.Empty(root.GetProperty("warnings").EnumerateArray());
        Assert.Empty(root.GetProperty("findings").EnumerateArray());
        var formats = root.GetProperty("formats");
        Assert.Contains("Acks = Acks.All", formats.GetProperty("csharp").GetString(), StringComparison.Ordinal);
        Assert.Contains("acks=all\n", formats.GetProperty("properties").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"Critical\"", formats.GetProperty("appsettings").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_brokers_for_critical_warn_and_fit_the_topic_to_them()
    {
        string[] args = ["advise", "--loss-impact", "critical", "--latency-ms", "100", "--brokers", "2", "--peak-rate", "2000", "--consumers-deduplicate", "yes"];

        var text = await RkInProcess.RunAsync(args);
        var json = await RkInProcess.RunAsync([.. args, "--json"]);

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("warning: Critical needs 3 brokers: with 2, writes stop", text.Stdout, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Stdout);
        var warning = Assert.Single(document.RootElement.GetProperty("warnings").EnumerateArray());
        Assert.StartsWith("Critical needs 3 brokers", warning.GetString(), StringComparison.Ordinal);
        Assert.Equal(2, document.RootElement.GetProperty("topic").GetProperty("replicationFactor").GetInt32());
        Assert.Equal(2, document.RootElement.GetProperty("topic").GetProperty("minInsyncReplicas").GetInt32());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EndToEnd_a_missing_flag_without_a_terminal_fails_naming_the_flag_instead_of_prompting(bool json)
    {
        string[] args = ["advise", "--loss-impact", "critical", "--latency-ms", "100", "--peak-rate", "2000", "--consumers-deduplicate", "no"];

        var run = await RkProcess.RunAsync(json ? [.. args, "--json"] : args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("every question needs its flag; missing: --brokers <COUNT>.", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task With_no_flags_every_missing_flag_is_named()
    {
        var run = await RkInProcess.RunAsync("advise");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(
            "missing: --loss-impact <critical|minor|none>, --latency-ms <MS>, --brokers <COUNT>, --peak-rate <MESSAGES_PER_SECOND>, --consumers-deduplicate <yes|no>.",
            run.Stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_answer_is_exit_2_naming_the_flag()
    {
        var run = await RkInProcess.RunAsync("advise", "--loss-impact", "severe", "--latency-ms", "100", "--brokers", "0", "--peak-rate", "2000", "--consumers-deduplicate", "yes");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--loss-impact 'severe' is not one of critical, minor, none.", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("--brokers must be between 1 and 1000, not 0.", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_count_that_is_not_a_number_is_a_parse_error_with_exit_2_quoting_it()
    {
        var run = await RkInProcess.RunAsync("advise", "--loss-impact", "critical", "--latency-ms", "100", "--brokers", "three", "--peak-rate", "2000", "--consumers-deduplicate", "yes");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Error: --brokers takes a whole number, not 'three'", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_flag_is_a_parse_error_with_a_non_zero_exit()
    {
        var run = await RkInProcess.RunAsync([.. CriticalAnswers, "--replicas", "3"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Unknown option 'replicas'", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("critical", "3", "Critical")]
    [InlineData("critical", "1", "Critical")]
    [InlineData("minor", "3", "Analytics")]
    [InlineData("none", "1", "Metrics")]
    public async Task The_advised_properties_file_lints_clean(string impact, string brokers, string profile)
    {
        var advise = await RkInProcess.RunAsync(
            "advise", "--loss-impact", impact, "--latency-ms", "20", "--brokers", brokers, "--peak-rate", "60000", "--consumers-deduplicate", "no", "--json");
        Assert.Equal(0, advise.ExitCode);
        using var json = JsonDocument.Parse(advise.Stdout);
        var properties = _files.Write("advised.properties", json.RootElement.GetProperty("formats").GetProperty("properties").GetString()!);
        var appsettings = _files.Write("appsettings.json", json.RootElement.GetProperty("formats").GetProperty("appsettings").GetString()!);

        var lint = await RkInProcess.RunAsync("lint", properties, "--profile", profile, "--json");
        var lintSettings = await RkInProcess.RunAsync("lint", appsettings);

        Assert.True(lint.ExitCode == 0, lint.Output);
        using var report = JsonDocument.Parse(lint.Stdout);
        Assert.Equal(0, report.RootElement.GetProperty("errors").GetInt32());
        Assert.Equal(0, report.RootElement.GetProperty("warnings").GetInt32());
        Assert.True(lintSettings.ExitCode == 0, lintSettings.Output);
        Assert.Contains("reliablekafka-options", lintSettings.Stdout, StringComparison.Ordinal);
    }
}
