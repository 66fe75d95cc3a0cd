using System.Diagnostics;
using System.Text.Json;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;

namespace ReliableKafka.Cli.Tests.Doctor;

/// <summary><c>rk doctor</c> through its real entry point, against an in-process simulated cluster in the states it must explain.</summary>
public sealed class DoctorCommandTests
{
    private static async Task<(int Exit, string Stdout, string Stderr)> DoctorAsync(params string[] args)
    {
        var run = await RkInProcess.RunAsync(["doctor", .. args]);
        return (run.ExitCode, run.Stdout, run.Stderr);
    }

    [Fact]
    public async Task A_healthy_critical_topic_has_no_findings()
    {
        await using var cluster = ProofCluster.Start("task-events", new TopicSettings(3, 3, 2));

        var (exit, stdout, stderr) = await DoctorAsync("--bootstrap-servers", cluster.BootstrapServers, "--topic", "task-events");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("3 live broker(s) {1,2,3}; judged for the Critical profile (acks=all)", stdout, StringComparison.Ordinal);
        Assert.Contains("task-events: 3 partition(s), replication factor 3, min.insync.replicas 2, unclean election off", stdout, StringComparison.Ordinal);
        Assert.Contains("No problems found.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_not_enough_replicas_error_is_explained_with_the_brokers_that_are_out_of_sync_and_why()
    {
        await using var cluster = ProofCluster.Start("task-events", new TopicSettings(1, 3, 2), TimeSpan.FromMilliseconds(300));
        var partition = cluster.Partition();
        var followers = cluster.BrokerIds.Where(id => id != partition.Leader).ToList();
        cluster.StopFollower(followers[0]);
        cluster.Crash(followers[1]);
        using (var producer = cluster.Producer(Confluent.Kafka.Acks.Leader, idempotence: false))
        {
            await producer.ProduceAsync("task-events", new Confluent.Kafka.Message<string, string> { Key = "k", Value = "makes the follower lag" });
        }

        await cluster.WaitForAsync(static p => p.Isr.Count == 1, TimeSpan.FromSeconds(15), "the ISR shrinking to the leader");

        var (exit, stdout, stderr) = await DoctorAsync("--bootstrap-servers", cluster.BootstrapServers, "--topic", "task-events", "--json");

        Assert.True(exit == 1, stdout + stderr);
        var report = JsonDocument.Parse(stdout).RootElement;
        Assert.False(report.GetProperty("healthy").GetBoolean());
        var finding = report.GetProperty("findings").EnumerateArray().Single(static f => f.GetProperty("id").GetString() == "DOC021");
        Assert.Equal("error", finding.GetProperty("severity").GetString());
        var message = finding.GetProperty("message").GetString()!;
        Assert.Contains($"ISR of task-events[0] is {{{partition.Leader}}}; with min.insync.replicas=2 every acks=all send gets NOT_ENOUGH_REPLICAS", message, StringComparison.Ordinal);
        Assert.Contains($"broker {followers[0]} is up but lagging", message, StringComparison.Ordinal);
        Assert.Contains($"broker {followers[1]} is down", message, StringComparison.Ordinal);
        Assert.Contains("Do not lower min.insync.replicas", finding.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Weak_topic_settings_are_flagged_for_the_critical_profile_and_only_noted_for_analytics()
    {
        await using var cluster = ProofCluster.Start("clicks", new TopicSettings(2, 2, 1, UncleanLeaderElection: true));

        var (exit, stdout, _) = await DoctorAsync("--bootstrap-servers", cluster.BootstrapServers, "--json");
        var (analyticsExit, analyticsOut, _) = await DoctorAsync("--bootstrap-servers", cluster.BootstrapServers, "--profile", "analytics", "--json");

        var ids = JsonDocument.Parse(stdout).RootElement.GetProperty("findings").EnumerateArray().Select(static f => f.GetProperty("id").GetString()).ToList();
        Assert.Equal(1, exit);
        Assert.Equal(["DOC010", "DOC012", "DOC013"], ids);
        var analytics = JsonDocument.Parse(analyticsOut).RootElement.GetProperty("findings").EnumerateArray().Select(static f => (f.GetProperty("id").GetString(), f.GetProperty("severity").GetString())).ToList();
        Assert.Equal(0, analyticsExit);
        Assert.Equal([("DOC010", "warning"), ("DOC013", "warning"), ("DOC030", "info")], analytics);
    }

    /// <summary>A topic whose max.message.bytes is below what the producer batches: one oversized record takes its batch-mates down.</summary>
    [Fact]
    public async Task A_topic_limit_below_the_producers_batch_size_is_flagged_with_the_setting_that_fixes_it()
    {
        await using var cluster = ProofCluster.Start("task-events", new TopicSettings(3, 3, 2, MaxMessageBytes: 2000));

        var (_, stdout, _) = await DoctorAsync("--bootstrap-servers", cluster.BootstrapServers, "--topic", "task-events", "--json");

        var finding = Assert.Single(JsonDocument.Parse(stdout).RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(("DOC014", "warning"), (finding.GetProperty("id").GetString(), finding.GetProperty("severity").GetString()));
        Assert.Contains("Set the producer's message.max.bytes to 2000", finding.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_topic_is_an_error_with_the_command_that_creates_it()
    {
        await using var cluster = ProofCluster.Start(new SimulatedClusterOptions { AutoCreateTopics = false });

        var (exit, stdout, _) = await DoctorAsync("--bootstrap-servers", cluster.BootstrapServers, "--topic", "payments");

        Assert.Equal(1, exit);
        Assert.Contains("Topic 'payments' does not exist.", stdout, StringComparison.Ordinal);
        Assert.Contains("--create --topic payments --partitions 3 --replication-factor 3 --config min.insync.replicas=2", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_cluster_fails_within_the_timeout_and_bad_flags_are_named()
    {
        var port = RkProcess.FreePorts(1);
        var clock = Stopwatch.StartNew();
        var (exit, _, stderr) = await DoctorAsync("--bootstrap-servers", $"127.0.0.1:{port}", "--timeout-ms", "2000");
        clock.Stop();

        Assert.Equal(2, exit);
        Assert.Contains($"rk doctor: cannot read the cluster at 127.0.0.1:{port} within 2000 ms", stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");

        var (noServers, _, noServersErr) = await DoctorAsync();
        Assert.Equal(2, noServers);
        Assert.Contains("--bootstrap-servers is required", noServersErr, StringComparison.Ordinal);
        var (badProfile, _, badProfileErr) = await DoctorAsync("--bootstrap-servers", "127.0.0.1:1", "--profile", "Gold");
        Assert.Equal(2, badProfile);
        Assert.Contains("--profile 'Gold' is unknown; use Critical, Analytics or Metrics.", badProfileErr, StringComparison.Ordinal);
    }

    /// <summary>
    /// A transaction left open holds read_committed consumers back at its first record: rk doctor names the partition,
    /// the offset, how far behind the end that is and the transaction's age (from its first record's timestamp), and
    /// says nothing once it commits.
    /// </summary>
    [Fact]
    public async Task A_transaction_left_open_is_shown_holding_read_committed_consumers_back_with_its_offset_and_age()
    {
        await using var cluster = ProofCluster.Start("orders", new TopicSettings(1, 3, 2));
        using var producer = new Confluent.Kafka.ProducerBuilder<string, string>(new Confluent.Kafka.ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            TransactionalId = "orders-writer",
        }).SetLogHandler(static (_, _) => { }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        using (var plain = cluster.Producer(Confluent.Kafka.Acks.All, idempotence: true))
        {
            await plain.ProduceAsync("orders", new Confluent.Kafka.Message<string, string> { Key = "k", Value = "before" });
        }

        producer.BeginTransaction();
        var began = DateTimeOffset.UtcNow.AddMinutes(-5);
        for (var i = 0; i < 3; i++)
        {
            producer.Produce("orders", new Confluent.Kafka.Message<string, string> { Key = "k", Value = $"open-{i}", Timestamp = new Confluent.Kafka.Timestamp(began.UtcDateTime) });
        }

        producer.Flush(TimeSpan.FromSeconds(30));

        var (exit, stdout, stderr) = await DoctorAsync("--bootstrap-servers", cluster.BootstrapServers, "--topic", "orders", "--json");

        Assert.True(exit == 1, stdout + stderr);
        var finding = JsonDocument.Parse(stdout).RootElement.GetProperty("findings").EnumerateArray().Single(static f => f.GetProperty("id").GetString() == "DOC040");
        Assert.Equal("error", finding.GetProperty("severity").GetString());
        Assert.Equal("orders[0]", finding.GetProperty("subject").GetString());
        var message = finding.GetProperty("message").GetString()!;
        Assert.Contains("read_committed consumers of orders[0] are held at offset 1, 3 record(s) before its end (4)", message, StringComparison.Ordinal);
        Assert.Contains("began 5 min ago", message, StringComparison.Ordinal);
        Assert.Contains("kafka-transactions.sh", finding.GetProperty("fix").GetString(), StringComparison.Ordinal);

        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        await Eventually.WaitUntilAsync(() => cluster.Cluster.Describe().Topics.Single(static t => t.Name == "orders").Partitions[0] is var p && p.LastStableOffset == p.HighWatermark, TimeSpan.FromSeconds(30), "the commit markers");
        var (after, afterOut, afterErr) = await DoctorAsync("--bootstrap-servers", cluster.BootstrapServers, "--topic", "orders");
        Assert.True(after == 0, afterOut + afterErr);
        Assert.DoesNotContain("DOC040", afterOut, StringComparison.Ordinal);
    }
}
