using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;

namespace ReliableKafka.Cli.Tests.Bench;

/// <summary>
/// <c>rk bench</c> through its real entry point. The embedded runs use a 20 ms replication delay and a 30 ms response
/// delay: they bound the latencies from below on any machine, which is what these tests assert; the order of the acks
/// levels is measured, and the tests check only that the verdict and the exit code agree with the numbers printed.
/// </summary>
public sealed class BenchCommandTests : IDisposable
{
    private static readonly string[] Embedded = ["bench", "--messages", "2000", "--replication-delay-ms", "20", "--network-delay-ms", "30"];

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task EndToEnd_an_embedded_run_prints_every_profile_with_latencies_the_simulated_delays_bound_and_a_verdict_that_matches_its_numbers()
    {
        var run = await RkProcess.RunAsync(Embedded);

        Assert.True(run.ExitCode is 0 or 1, run.Output);
        Assert.Contains("Cluster: the embedded simulator (3 brokers", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("topic rk-bench: 3 partition(s), replication factor 3, min.insync.replicas 2.", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("every follower copies only batches at least 20 ms old (replication delay)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("every broker response waits 30 ms", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("acks=0: only the client's hand-off", run.Stdout, StringComparison.Ordinal);
        var p50 = new Dictionary<string, double>();
        foreach (var profile in new[] { "Critical", "Analytics", "Metrics" })
        {
            var cells = Row(run.Stdout, profile);
            Assert.Equal("2000", cells[8]);
            Assert.Equal("0", cells[9]);
            p50[profile] = double.Parse(cells[5], CultureInfo.InvariantCulture);
        }

        // What the simulated delays guarantee on any machine: an acks=1 answer waits for the 30 ms response delay, an
        // acks=all answer also for a follower that copies only batches 20 ms old. How far above these bounds the
        // numbers land depends on the machine's load, so the order of the levels is the verdict's business, not this test's.
        Assert.True(p50["Analytics"] >= 30, run.Stdout);
        Assert.True(p50["Critical"] >= 20 + 30, run.Stdout);
        var holds = p50["Metrics"] < p50["Analytics"] && p50["Analytics"] < p50["Critical"];
        if (holds)
        {
            Assert.Equal(0, run.ExitCode);
            Assert.Contains("Shape acks=0 < acks=1 < acks=all (p50 latency): holds. Metrics (acks=0)", run.Stdout, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("SHAPE NOT REPRODUCED: expected acks=0 < acks=1 < acks=all (p50 latency), measured ", run.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EndToEnd_json_has_the_documented_fields_and_html_is_one_page_with_the_numbers_and_svg_charts()
    {
        var html = _files.PathOf("bench.html");

        var run = await RkProcess.RunAsync([.. Embedded, "--profiles", "metrics,Analytics,critical", "--json", "--html", html]);

        Assert.True(run.ExitCode is 0 or 1, run.Output);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        var cluster = root.GetProperty("cluster");
        Assert.True(cluster.GetProperty("embedded").GetBoolean());
        Assert.Equal("rk-bench", cluster.GetProperty("topic").GetString());
        Assert.Equal(3, cluster.GetProperty("brokers").GetInt32());
        Assert.Equal(3, cluster.GetProperty("replicationFactor").GetInt32());
        Assert.Equal(2, cluster.GetProperty("minInsyncReplicas").GetInt32());
        Assert.Equal(20, cluster.GetProperty("simulated").GetProperty("replicationDelayMs").GetInt32());
        Assert.Equal(30, cluster.GetProperty("simulated").GetProperty("networkDelayMs").GetInt32());
        var workload = root.GetProperty("workload");
        Assert.Equal(2000, workload.GetProperty("messages").GetInt32());
        Assert.Equal(200, workload.GetProperty("messageBytes").GetInt32());
        Assert.Equal(JsonValueKind.Null, workload.GetProperty("rate").ValueKind);
        var profiles = root.GetProperty("profiles").EnumerateArray().ToList();
        Assert.Equal(["Metrics", "Analytics", "Critical"], profiles.Select(static p => p.GetProperty("profile").GetString()));
        Assert.Equal(["0", "1", "all"], profiles.Select(static p => p.GetProperty("acks").GetString()));
        foreach (var profile in profiles)
        {
            Assert.Equal(2000, profile.GetProperty("delivered").GetInt32());
            Assert.Equal(0, profile.GetProperty("failures").GetInt32());
            Assert.True(profile.GetProperty("messagesPerSecond").GetDouble() > 0);
            Assert.True(profile.GetProperty("megabytesPerSecond").GetDouble() > 0);
            var latency = profile.GetProperty("latencyMs");
            Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p99").GetDouble());
            Assert.True(latency.GetProperty("p99").GetDouble() <= latency.GetProperty("max").GetDouble());
            Assert.Single(profile.GetProperty("rounds").EnumerateArray());
        }

        Assert.Contains("hand-off", profiles[0].GetProperty("latencyMeasures").GetString(), StringComparison.Ordinal);
        var shape = root.GetProperty("shape");
        Assert.True(shape.GetProperty("checked").GetBoolean());
        Assert.True(shape.GetProperty("enforced").GetBoolean());
        var p50s = profiles.Select(static p => p.GetProperty("latencyMs").GetProperty("p50").GetDouble()).ToList();
        Assert.Equal(p50s[0] < p50s[1] && p50s[1] < p50s[2], shape.GetProperty("holds").GetBoolean());
        Assert.Equal(shape.GetProperty("holds").GetBoolean() ? 0 : 1, root.GetProperty("exitCode").GetInt32());
        Assert.Equal(root.GetProperty("exitCode").GetInt32(), run.ExitCode);

        var page = await File.ReadAllTextAsync(html);
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
        Assert.Contains("<svg", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"http", page, StringComparison.OrdinalIgnoreCase);
        foreach (var profile in profiles)
        {
            var name = profile.GetProperty("profile").GetString()!;
            var cells = Regex.Match(page, $"<tr><td>{name}</td>(.*?)</tr>").Groups[1].Value;
            var numbers = Regex.Matches(cells, "<td class=\"n\">([^<]*)</td>").Select(static m => m.Groups[1].Value).ToList();
            Assert.Equal(8, numbers.Count);
            var p50 = profile.GetProperty("latencyMs").GetProperty("p50").GetDouble();
            Assert.Equal(p50, double.Parse(numbers[3], CultureInfo.InvariantCulture), tolerance: Math.Max(0.01, p50 * 0.01));
            Assert.Equal("2000", numbers[6]);
            Assert.Contains($"{name} p50: {numbers[3]} ms", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_cluster_given_with_bootstrap_servers_is_measured_as_it_is_and_the_topic_created()
    {
        await using (var simulated = ProofCluster.Start(new SimulatedClusterOptions()))
        {
            var bootstrap = simulated.BootstrapServers;
            var run = await RkProcess.RunAsync("bench", "--bootstrap-servers", bootstrap, "--topic", "bench-external", "--messages", "500", "--json");

            Assert.True(run.ExitCode == 0, run.Output);
            var root = JsonDocument.Parse(run.Stdout).RootElement;
            var cluster = root.GetProperty("cluster");
            Assert.False(cluster.GetProperty("embedded").GetBoolean());
            Assert.Equal(bootstrap, cluster.GetProperty("bootstrapServers").GetString());
            Assert.True(cluster.GetProperty("topicCreated").GetBoolean());
            Assert.Equal(3, cluster.GetProperty("partitions").GetInt32());
            Assert.Equal(3, cluster.GetProperty("replicationFactor").GetInt32());
            Assert.Equal(2, cluster.GetProperty("minInsyncReplicas").GetInt32());
            Assert.Equal(JsonValueKind.Null, cluster.GetProperty("simulated").ValueKind);
            Assert.False(root.GetProperty("shape").GetProperty("enforced").GetBoolean());
            Assert.All(root.GetProperty("profiles").EnumerateArray(), static p => Assert.Equal(500, p.GetProperty("delivered").GetInt32()));
        }
    }

    [Fact]
    public async Task An_unreachable_cluster_exits_2_within_the_timeout_with_the_address_named()
    {
        var port = RkProcess.FreePorts(1);
        var clock = Stopwatch.StartNew();

        var run = await RkProcess.RunAsync("bench", "--bootstrap-servers", $"127.0.0.1:{port}", "--timeout-ms", "2000");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"rk bench: cannot reach the cluster at 127.0.0.1:{port} (--bootstrap-servers) within 2000 ms", run.Stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Bad_usage_exits_2_naming_the_flag_and_help_lists_the_options()
    {
        var runs = await Task.WhenAll(
            RkInProcess.RunAsync("bench", "--bogus"),
            RkInProcess.RunAsync("bench", "--profiles", "Critical,Gold"),
            RkInProcess.RunAsync("bench", "--messages", "10", "--duration-s", "1"),
            RkInProcess.RunAsync("bench", "--bootstrap-servers", "127.0.0.1:1", "--replication-delay-ms", "5"),
            RkInProcess.RunAsync("bench", "--messages", "many"),
            RkInProcess.RunAsync("bench", "--rounds", "0"),
            RkInProcess.RunAsync("bench", "--help"));
        var (unknown, profile, both, delayOnReal, notANumber, outOfRange, help) = (runs[0], runs[1], runs[2], runs[3], runs[4], runs[5], runs[6]);

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Unknown option 'bogus'", unknown.Output, StringComparison.Ordinal);
        Assert.Equal(2, profile.ExitCode);
        Assert.Contains("--profiles: 'Gold' is not a profile; use Critical, Analytics and/or Metrics", profile.Output, StringComparison.Ordinal);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("Give --messages or --duration-s, not both.", both.Output, StringComparison.Ordinal);
        Assert.Equal(2, delayOnReal.ExitCode);
        Assert.Contains("--replication-delay-ms applies to the embedded simulator only", delayOnReal.Output, StringComparison.Ordinal);
        Assert.Equal(2, notANumber.ExitCode);
        Assert.Contains("Error: --messages takes a whole number, not 'many'", notANumber.Output, StringComparison.Ordinal);
        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Contains("--rounds must be between 1 and 20, not 0.", outOfRange.Output, StringComparison.Ordinal);
        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("--replication-delay-ms <MS>", help.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The cells of a profile's row in the console table.</summary>
    private static string[] Row(string stdout, string profile)
    {
        var line = stdout.Split('\n').Single(l => l.StartsWith($"│ {profile} ", StringComparison.Ordinal));
        return [.. line.Split('│', StringSplitOptions.RemoveEmptyEntries).Select(static c => c.Trim()).Where(static c => c.Length > 0)];
    }
}
