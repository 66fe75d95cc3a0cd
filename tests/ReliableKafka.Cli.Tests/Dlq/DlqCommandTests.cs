using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Data.Sqlite;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Testing;

namespace ReliableKafka.Cli.Tests.Dlq;

/// <summary>
/// One in-process simulated cluster for the <c>rk dlq</c> tests. Each test uses its own dead-letter topic and original topics,
/// so the tests do not see one another's letters.
/// </summary>
public sealed class DlqClusterFixture : IAsyncLifetime
{
    private readonly TempFiles _files = new();

    internal ProofCluster Cluster { get; private set; } = null!;

    internal TempFiles Files => _files;

    public Task InitializeAsync()
    {
        Cluster = ProofCluster.Start(new SimulatedClusterOptions());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _files.Dispose();
    }
}

/// <summary><c>rk dlq list|show|replay</c> through the real entry point, against dead letters the library wrote to a simulated cluster.</summary>
public sealed class DlqCommandTests(DlqClusterFixture fixture) : IClassFixture<DlqClusterFixture>
{
    private ProofCluster Cluster => fixture.Cluster;

    private string Bootstrap => fixture.Cluster.BootstrapServers;

    [Fact]
    public async Task List_shows_original_topic_error_time_and_attempts_and_show_decodes_one()
    {
        const string dlq = "dlq-list";
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await DeadLetterAsync(dlq, "list-orders", KafkaErrorCode.MessageTooLarge, "order-1", "{\"total\":10}", new Headers { { "event-id", "evt-o1"u8.ToArray() } });
        await DeadLetterAsync(dlq, "list-payments", KafkaErrorCode.InvalidRecord, "pay-1", Encoding.Latin1.GetString([0x00, 0xff, 0x10]));

        var text = await Rk("dlq", "list", "--bootstrap-servers", Bootstrap, "--topic", dlq);

        Assert.True(text.ExitCode == 0, text.Output);
        Assert.Contains("2 dead letter(s) in dlq-list; 0 already replayed (marks in dlq-list.replays).", text.Stdout, StringComparison.Ordinal);
        var orderRow = Assert.Single(text.Stdout.Split('\n'), l => l.Contains("list-orders", StringComparison.Ordinal));
        Assert.Contains("0:0", orderRow, StringComparison.Ordinal);
        Assert.Contains("MsgSizeTooLarge", orderRow, StringComparison.Ordinal);
        Assert.Contains("evt-o1", orderRow, StringComparison.Ordinal);
        Assert.Matches(@"│ 1 +│", orderRow);
        Assert.Contains(DateTime.UtcNow.ToString("yyyy-MM-dd'T'", System.Globalization.CultureInfo.InvariantCulture), orderRow, StringComparison.Ordinal);
        Assert.Contains("InvalidRecord", Assert.Single(text.Stdout.Split('\n'), l => l.Contains("list-payments", StringComparison.Ordinal)), StringComparison.Ordinal);

        var json = await Rk("dlq", "list", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--json");

        Assert.True(json.ExitCode == 0, json.Output);
        var root = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal(2, root.GetProperty("count").GetInt32());
        var first = root.GetProperty("letters")[0];
        Assert.Equal("0:0", first.GetProperty("id").GetString());
        Assert.Equal("dlq-list/0/0", first.GetProperty("location").GetString());
        Assert.Equal("list-orders", first.GetProperty("originalTopic").GetString());
        Assert.Equal("MsgSizeTooLarge", first.GetProperty("errorCode").GetString());
        Assert.Equal(1, first.GetProperty("attempts").GetInt32());
        Assert.InRange(DateTimeOffset.Parse(first.GetProperty("failedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow);
        Assert.Equal("evt-o1", first.GetProperty("eventId").GetString());
        Assert.Equal(0, first.GetProperty("replays").GetArrayLength());
        Assert.Equal("InvalidRecord", root.GetProperty("letters")[1].GetProperty("errorCode").GetString());

        var show = await Rk("dlq", "show", "--bootstrap-servers", Bootstrap, "--topic", dlq, "0:0");

        Assert.True(show.ExitCode == 0, show.Output);
        Assert.Contains("Dead letter dlq-list 0:0 (rk-replay-of dlq-list/0/0)", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("{\"total\":10}", show.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"kafka_dlt-exception-fqcn\s+│ Confluent.Kafka.KafkaException\s+│ utf8\s+│ dead-lettering", show.Stdout);
        Assert.Matches(@"rk-attempts\s+│ 1\s+│ int32", show.Stdout);
        Assert.Matches(@"event-id\s+│ evt-o1\s+│ utf8\s+│ application", show.Stdout);
        Assert.Matches(@"Replayed\s+no", show.Stdout);

        var binary = await Rk("dlq", "show", "--bootstrap-servers", Bootstrap, "--topic", dlq, "0:1", "--json");

        Assert.True(binary.ExitCode == 0, binary.Output);
        var letter = JsonDocument.Parse(binary.Stdout).RootElement.GetProperty("letter");
        Assert.Equal("base64", letter.GetProperty("value").GetProperty("encoding").GetString());
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(Encoding.Latin1.GetString([0x00, 0xff, 0x10]))), letter.GetProperty("value").GetProperty("data").GetString());
        Assert.Equal("pay-1", letter.GetProperty("key").GetProperty("data").GetString());
        var headers = letter.GetProperty("headers").EnumerateArray().ToDictionary(static h => h.GetProperty("name").GetString()!);
        Assert.Equal("int32", headers["kafka_dlt-original-partition"].GetProperty("encoding").GetString());
        Assert.Equal(0, headers["kafka_dlt-original-partition"].GetProperty("value").GetInt32());
        Assert.Equal("unix-ms", headers["rk-failed-at"].GetProperty("encoding").GetString());
        Assert.Equal("InvalidRecord", headers["rk-error-code"].GetProperty("value").GetString());
        Assert.True(headers["rk-error-code"].GetProperty("deadLetter").GetBoolean());

        var missing = await Rk("dlq", "show", "--bootstrap-servers", Bootstrap, "--topic", dlq, "0:99");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("rk dlq show: dlq-list has no record at 0:99", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_by_original_topic_delivers_with_the_replay_header_and_a_second_replay_is_refused_unless_forced()
    {
        const string dlq = "dlq-replay";
        await DeadLetterAsync(dlq, "replay-orders", KafkaErrorCode.MessageTooLarge, "order-1", "first", new Headers { { "event-id", "evt-r1"u8.ToArray() } });
        await DeadLetterAsync(dlq, "replay-other", KafkaErrorCode.InvalidRecord, "other-1", "stays");
        await DeadLetterAsync(dlq, "replay-orders", KafkaErrorCode.MessageTooLarge, "order-2", "second");

        var replay = await Rk("dlq", "replay", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--original-topic", "replay-orders", "--json");

        Assert.True(replay.ExitCode == 0, replay.Output);
        var result = JsonDocument.Parse(replay.Stdout).RootElement;
        Assert.Equal((2, 2, 0), (result.GetProperty("selected").GetInt32(), result.GetProperty("replayed").GetInt32(), result.GetProperty("exitCode").GetInt32()));
        Assert.Equal(["0:0", "0:2"], result.GetProperty("letters").EnumerateArray().Select(static l => l.GetProperty("id").GetString()));
        Assert.All(result.GetProperty("letters").EnumerateArray(), static l => Assert.Equal("replayed", l.GetProperty("result").GetString()));
        var delivered = await ReadAsync("replay-orders");
        Assert.Equal(["first", "second"], delivered.Select(static r => r.Value));
        Assert.Equal(["dlq-replay/0/0", "dlq-replay/0/2"], delivered.Select(static r => r.Headers["rk-replay-of"]));
        Assert.Equal("evt-r1", delivered[0].Headers["event-id"]);
        Assert.Empty(await ReadAsync("replay-other"));

        var list = JsonDocument.Parse((await Rk("dlq", "list", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--json")).Stdout).RootElement;
        Assert.Equal(2, list.GetProperty("replayed").GetInt32());
        var mark = Assert.Single(list.GetProperty("letters")[0].GetProperty("replays").EnumerateArray());
        Assert.Equal("replay-orders", mark.GetProperty("replayedTo").GetProperty("topic").GetString());
        Assert.Equal(0, mark.GetProperty("replayedTo").GetProperty("offset").GetInt64());
        Assert.Equal(0, list.GetProperty("letters")[1].GetProperty("replays").GetArrayLength());

        var again = await Rk("dlq", "replay", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--original-topic", "replay-orders");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains(
            "rk dlq replay: Refused: 2 of the 2 selected dead letter(s) were already replayed: 0:0 (to replay-orders[0]@0 at ",
            again.Stderr,
            StringComparison.Ordinal);
        Assert.Contains("Nothing was replayed. Add --force to replay them again, or --skip-replayed to replay only the others.", again.Stderr, StringComparison.Ordinal);

        var forced = await Rk("dlq", "replay", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--original-topic", "replay-orders", "--offsets", "0:0", "--force");

        Assert.True(forced.ExitCode == 0, forced.Output);
        Assert.Contains("Replayed 1 of 1 selected dead letter(s) from dlq-replay", forced.Stdout, StringComparison.Ordinal);
        Assert.Equal(["first", "second", "first"], (await ReadAsync("replay-orders")).Select(static r => r.Value));
        var marks = JsonDocument.Parse((await Rk("dlq", "show", "--bootstrap-servers", Bootstrap, "--topic", dlq, "0:0", "--json")).Stdout)
            .RootElement.GetProperty("letter").GetProperty("replays");
        Assert.Equal([false, true], marks.EnumerateArray().Select(static m => m.GetProperty("forced").GetBoolean()));
    }

    [Fact]
    public async Task Replay_selects_by_error_and_by_offsets_and_a_dry_run_changes_nothing()
    {
        const string dlq = "dlq-select";
        await DeadLetterAsync(dlq, "select-a", KafkaErrorCode.MessageTooLarge, "a-0", "a0");
        await DeadLetterAsync(dlq, "select-b", KafkaErrorCode.InvalidRecord, "b-1", "b1");
        await DeadLetterAsync(dlq, "select-a", KafkaErrorCode.MessageTooLarge, "a-2", "a2");
        await DeadLetterAsync(dlq, "select-a", KafkaErrorCode.InvalidRecord, "a-3", "a3");

        var dry = await Rk("dlq", "replay", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--error", "InvalidRecord", "--dry-run");

        Assert.True(dry.ExitCode == 0, dry.Output);
        Assert.Contains("Dry run: would replay 2 of 2 selected dead letter(s) from dlq-select", dry.Stdout, StringComparison.Ordinal);
        Assert.Empty(await ReadAsync("select-b"));

        // Not refused, so the dry run wrote no replay marks either.

        var byError = await Rk("dlq", "replay", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--error", "INVALID_RECORD", "--json");

        Assert.True(byError.ExitCode == 0, byError.Output);
        Assert.Equal(["0:1", "0:3"], JsonDocument.Parse(byError.Stdout).RootElement.GetProperty("letters").EnumerateArray().Select(static l => l.GetProperty("id").GetString()));
        Assert.Equal(["b1"], (await ReadAsync("select-b")).Select(static r => r.Value));
        Assert.Equal(["a3"], (await ReadAsync("select-a")).Select(static r => r.Value));

        var overlapping = await Rk("dlq", "replay", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--offsets", "0:1-2", "--skip-replayed", "--json");

        Assert.True(overlapping.ExitCode == 0, overlapping.Output);
        var letters = JsonDocument.Parse(overlapping.Stdout).RootElement.GetProperty("letters").EnumerateArray()
            .Select(static l => (l.GetProperty("id").GetString(), l.GetProperty("result").GetString())).ToList();
        Assert.Equal([("0:1", "skipped"), ("0:2", "replayed")], letters);
        Assert.Equal(["a3", "a2"], (await ReadAsync("select-a")).Select(static r => r.Value));

        var noPartition = await Rk("dlq", "replay", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--offsets", "7:0-5");

        Assert.Equal(2, noPartition.ExitCode);
        Assert.Contains("rk dlq replay: --offsets 7:0-5: dlq-select has no partition 7 (its partitions are 0).", noPartition.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_spilled_dead_letter_is_listed_with_spill_stays_when_its_replay_fails_and_leaves_the_spill_when_replayed()
    {
        const string dlq = "dlq-spill";
        var spill = fixture.Files.PathOf("spill.db");
        await EnsureTopicAsync(dlq);
        Cluster.Apply(new InjectError(Cluster.Partition(dlq).Leader, KafkaErrorCode.TopicAuthorizationFailed, ApiKey.Produce, 1, dlq));
        var outcome = await DeadLetterAsync(dlq, "spill-orders", KafkaErrorCode.MessageTooLarge, "s-1", "spilled", spill: spill);
        Assert.Equal(FailureDisposition.SpilledLocally, outcome.Disposition);

        var list = await Rk("dlq", "list", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--spill", spill);

        Assert.True(list.ExitCode == 0, list.Output);
        Assert.Matches(@"spill:1\s+│ spill-orders", list.Stdout);
        Assert.Contains("no (spilled)", list.Stdout, StringComparison.Ordinal);

        Cluster.Apply(new InjectError(Cluster.Partition("spill-orders").Leader, KafkaErrorCode.InvalidRecord, ApiKey.Produce, 1, "spill-orders"));
        var failed = await Rk("dlq", "replay", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--spill", spill, "--original-topic", "spill-orders");

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("rk dlq replay: spill:1: not replayed: Failed to publish to spill-orders: InvalidRecord", failed.Stderr, StringComparison.Ordinal);
        Assert.Contains("Replayed 0 of 1 selected dead letter(s)", failed.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 failed.", failed.Stdout, StringComparison.Ordinal);

        var replay = await Rk("dlq", "replay", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--spill", spill, "--original-topic", "spill-orders");

        Assert.True(replay.ExitCode == 0, replay.Output);
        Assert.Equal("spill/1", Assert.Single(await ReadAsync("spill-orders")).Headers["rk-replay-of"]);
        var after = JsonDocument.Parse((await Rk("dlq", "list", "--bootstrap-servers", Bootstrap, "--topic", dlq, "--spill", spill, "--json")).Stdout).RootElement;
        Assert.Equal(0, after.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task An_unreachable_cluster_exits_2_within_the_timeout_and_never_prints_a_secret()
    {
        var port = RkProcess.FreePorts(1);
        using var files = new TempFiles();
        var config = files.Write("client.properties", "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.username=rk\nsasl.password=hunter2-secret\n");
        var clock = Stopwatch.StartNew();

        var run = await Rk("dlq", "list", "--bootstrap-servers", $"127.0.0.1:{port}", "--config", config, "--timeout-ms", "1500", "--json");

        Assert.Equal(2, run.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Contains($"rk dlq list: cannot reach the cluster at 127.0.0.1:{port} within 1500 ms", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Check --bootstrap-servers", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, JsonDocument.Parse(run.Stdout).RootElement.GetProperty("exitCode").GetInt32());
        Assert.DoesNotContain("hunter2-secret", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("list|--offsets|0-5", "--offsets '0-5' is not PARTITION:FROM-TO (for example 0:10-20), PARTITION:FROM- (to the end) or PARTITION:OFFSET.")]
    [InlineData("list|--error|NoSuchError", "--error 'NoSuchError' is not an error code")]
    [InlineData("replay", "Select what to replay with --original-topic, --error or --offsets (they combine), or --all for every dead letter.")]
    [InlineData("replay|--all|--error|10", "--all selects every dead letter")]
    [InlineData("replay|--all|--force|--skip-replayed", "give one of them")]
    [InlineData("show|zero", "LETTER 'zero' is not PARTITION:OFFSET (for example 0:42) or spill:ID")]
    [InlineData("list|--bogus", "Unknown option 'bogus'")]
    public async Task Bad_input_exits_2_naming_the_flag(string args, string message)
    {
        var parts = args.Split('|');
        var run = await Rk(["dlq", parts[0], "--bootstrap-servers", "127.0.0.1:1", .. parts[1..]]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_subcommands_help_lists_the_common_options()
    {
        var help = await Rk("dlq", "replay", "--help");

        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("--bootstrap-servers <LIST>", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("host:port[,host:port...]", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("--skip-replayed", help.Stdout, StringComparison.Ordinal);
    }

    private static Task<RkResult> Rk(params string[] args) => RkInProcess.RunAsync(args);

    /// <summary>Publishes one message with the library's producer while the original topic's leader refuses it with <paramref name="error"/>, so it is dead-lettered to <paramref name="dlq"/>.</summary>
    private async Task<DeliveryOutcome> DeadLetterAsync(string dlq, string topic, KafkaErrorCode error, string key, string value, Headers? headers = null, string? spill = null)
    {
        await EnsureTopicAsync(topic);
        Cluster.Apply(new InjectError(Cluster.Partition(topic).Leader, error, ApiKey.Produce, 1, topic));
        await using var producer = new ReliableProducer<string, string>(new ReliableProducerOptions
        {
            BootstrapServers = Bootstrap,
            DeadLetters = new DeadLetterOptions { Topic = dlq, SpillPath = spill ?? fixture.Files.PathOf("unused-spill.db"), OpenSpill = ReliableKafka.DeadLetters.Sqlite.SqliteDeadLetterSpill.Open },
        });

        var outcome = await producer.PublishAsync(topic, key, value, headers);

        Assert.Equal(spill is null ? FailureDisposition.DeadLettered : FailureDisposition.SpilledLocally, outcome.Disposition);
        return outcome;
    }

    private async Task EnsureTopicAsync(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 3 }]);
        }
        catch (CreateTopicsException e) when (e.Results.All(static r => r.Error.Code == ErrorCode.TopicAlreadyExists))
        {
        }
    }

    /// <summary>Every record of <paramref name="topic"/> (none when it does not exist): value and headers as UTF-8.</summary>
    private Task<List<(string Value, Dictionary<string, string> Headers)>> ReadAsync(string topic) => Task.Run(() => Read(topic));

    private List<(string Value, Dictionary<string, string> Headers)> Read(string topic) =>
        [.. TopicReader.ReadAll(Bootstrap, topic, expected: 0)
            .Select(static r => (r.Value, r.Headers.ToDictionary(static h => h.Key, static h => Encoding.UTF8.GetString(h.GetValueBytes()))))];
}
