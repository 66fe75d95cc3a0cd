using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ReliableKafka.Audit;
using ReliableKafka.Cli.Audit;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;
using Xunit.Abstractions;

namespace ReliableKafka.Cli.Tests.Audit;

/// <summary>
/// The audit runs faults against live clusters and its verdicts depend on timing: on two cores it must not share the
/// machine with other tests, so this collection runs on its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AuditCollection
{
    public const string Name = "rk audit";
}

/// <summary>
/// <c>rk audit</c> through the real entry point: the quick matrix on the simulator (table, JSON, HTML rendered in
/// headless Chromium), usage errors, a configuration file, and a cluster reached only over sockets (in process, with
/// its control API) driven through the fault command hook calling <c>rk fault</c>.
/// </summary>
[Collection(AuditCollection.Name)]
public sealed class AuditCommandTests(AuditCommandTests.QuickAudit quick, ITestOutputHelper output) : IClassFixture<AuditCommandTests.QuickAudit>
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary><c>rk audit --quick --json F --html H</c>, run once for the tests that read its output.</summary>
    public sealed class QuickAudit : IAsyncLifetime
    {
        private readonly TempFiles _files = new();

        internal RkResult Result { get; private set; } = new(-1, "", "");

        public TimeSpan Took { get; private set; }

        public string JsonPath => _files.PathOf("audit.json");

        public string HtmlPath => _files.PathOf("audit.html");

        public string Directory => Path.GetDirectoryName(JsonPath)!;

        public async Task InitializeAsync()
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Result = await RkProcess.RunAsync(TimeSpan.FromMinutes(2), "audit", "--quick", "--json", JsonPath, "--html", HtmlPath);
            Took = clock.Elapsed;
        }

        public Task DisposeAsync()
        {
            _files.Dispose();
            return Task.CompletedTask;
        }
    }

    [Fact]
    public void EndToEnd_quick_audit_exits_0_in_under_a_minute_and_its_table_shows_critical_clean_and_acks1_and_acks0_losing_in_leader_crash()
    {
        output.WriteLine($"rk audit --quick took {quick.Took.TotalSeconds:0.0} s");
        output.WriteLine(quick.Result.Output);
        Assert.True(quick.Result.ExitCode == 0, quick.Result.Output);
        Assert.True(quick.Took < TimeSpan.FromMinutes(1), $"rk audit --quick took {quick.Took}");

        var rows = TableRows(quick.Result.Stdout);
        Assert.Equal(8, rows.Count);
        foreach (var scenario in new[] { "lost-acks", "leader-crash" })
        {
            var critical = rows[(scenario, "critical *")];
            Assert.True(critical.Verdict == "pass", $"{scenario} x critical: {string.Join(" | ", critical.Cells)}");
            Assert.Equal((0L, 0L, 0L), (critical.Lost, critical.Duplicated, critical.Reordered));
        }

        foreach (var configuration in new[] { "acks1", "acks0" })
        {
            var row = rows[("leader-crash", configuration)];
            Assert.True(row.Verdict == "expected", $"leader-crash x {configuration}: {string.Join(" | ", row.Cells)}");
            Assert.True(row.Lost > 0, $"leader-crash x {configuration} lost nothing");
        }

        Assert.Contains("lost: offsets", quick.Result.Stdout, StringComparison.Ordinal);
        Assert.Contains("truncated when broker", quick.Result.Stdout, StringComparison.Ordinal);
        Assert.Contains("UNEXPECTED  the run disagrees", quick.Result.Stdout, StringComparison.Ordinal);
        Assert.Contains("8 runs: 4 pass, 4 expected, 0 unexpected, 0 skipped, 0 error.", quick.Result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[5/8] leader-crash x acks0: expected", quick.Result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void EndToEnd_quick_audit_writes_the_documented_JSON_and_it_agrees_with_the_table()
    {
        Assert.True(quick.Result.ExitCode == 0, quick.Result.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(quick.JsonPath));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("simulator", root.GetProperty("target").GetString());
        Assert.True(root.GetProperty("quick").GetBoolean());
        Assert.False(root.GetProperty("criticalViolation").GetBoolean());
        Assert.Equal(8, root.GetProperty("summary").GetProperty("runs").GetInt32());

        var rows = TableRows(quick.Result.Stdout);
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(8, results.Count);
        foreach (var result in results)
        {
            var scenario = result.GetProperty("scenario").GetString()!;
            var configuration = result.GetProperty("configuration").GetString()!;
            var verdict = result.GetProperty("verdict").GetString()!;
            var counts = result.GetProperty("counts");
            foreach (var field in new[] { "sent", "acknowledged", "failed", "lost", "duplicated", "reordered" })
            {
                Assert.True(counts.GetProperty(field).ValueKind == JsonValueKind.Number, $"counts.{field}");
            }

            Assert.True(result.GetProperty("latency").GetProperty("p50Ms").GetDouble() > 0);
            Assert.True(result.GetProperty("latency").GetProperty("p99Ms").GetDouble() >= result.GetProperty("latency").GetProperty("p50Ms").GetDouble());
            Assert.True(result.GetProperty("throughputPerSecond").GetDouble() > 0);
            Assert.Equal(JsonValueKind.Array, result.GetProperty("explanations").ValueKind);
            Assert.Equal(JsonValueKind.False, result.GetProperty("criticalViolation").ValueKind);

            var row = rows[(scenario, configuration == "critical" ? "critical *" : configuration)];
            Assert.Equal(verdict, row.Verdict);
            Assert.Equal(counts.GetProperty("sent").GetInt64(), row.Sent);
            Assert.Equal(counts.GetProperty("lost").GetInt64(), row.Lost);
            Assert.Equal(counts.GetProperty("duplicated").GetInt64(), row.Duplicated);
        }

        var acks1 = results.Single(static r => r.GetProperty("scenario").GetString() == "leader-crash" && r.GetProperty("configuration").GetString() == "acks1");
        Assert.Contains(acks1.GetProperty("explanations").EnumerateArray(), static e => e.GetProperty("kind").GetString() == "lost" && e.GetProperty("text").GetString()!.Contains("truncated when broker", StringComparison.Ordinal));

        var report = AuditJson.Deserialize(File.ReadAllText(quick.JsonPath));
        Assert.Equal(0, AuditCommand.ExitCodeFor(report));
    }

    [Fact]
    [Trait("Requires", "Chromium")]
    public async Task EndToEnd_quick_audit_HTML_renders_in_headless_Chromium_with_the_numbers_of_the_JSON()
    {
        Assert.True(quick.Result.ExitCode == 0, quick.Result.Output);
        var html = File.ReadAllText(quick.HtmlPath);
        Assert.DoesNotMatch(new Regex("(src|href)\\s*=\\s*\"(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        var dom = await Chromium.DumpDomAsync(quick.HtmlPath, quick.Directory);
        var report = AuditJson.Deserialize(File.ReadAllText(quick.JsonPath));
        Assert.Contains("Every run is as Kafka promises", dom, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"latency-chart\"", dom, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"anomaly-chart\"", dom, StringComparison.Ordinal);
        foreach (var r in report.Results)
        {
            var row = Regex.Match(dom, $"<tr data-scenario=\"{Regex.Escape(r.Scenario)}\" data-configuration=\"{Regex.Escape(r.Configuration)}\">(.*?)</tr>", RegexOptions.Singleline);
            Assert.True(row.Success, $"no row for {r.Scenario} x {r.Configuration} in the rendered page");
            var cells = Regex.Matches(row.Groups[1].Value, "<td[^>]*>(.*?)</td>", RegexOptions.Singleline).Select(static m => Regex.Replace(m.Groups[1].Value, "<[^>]+>", "").Trim()).ToList();
            var c = r.Counts!;
            string[] expected =
            [
                r.Scenario, r.Verdict.ToString().ToLowerInvariant(),
                N(c.Sent), N(c.Acknowledged), N(c.Failed), N(c.Lost), N(c.Duplicated), N(c.Reordered),
                N(r.Latency!.P50Ms), N(r.Latency.P99Ms), N(r.Latency.MaxMs), N(r.ThroughputPerSecond),
            ];
            Assert.Equal(expected, (string[])[cells[0], .. cells.Skip(2)]);
            Assert.StartsWith(r.Configuration, cells[1], StringComparison.Ordinal);

            // The charts label their bars with the same numbers.
            Assert.Contains($">{N(r.Latency.P99Ms)} ms</text>", dom, StringComparison.Ordinal);
            foreach (var e in r.Explanations)
            {
                Assert.Contains(TextAsSerialized(e.Text), dom, StringComparison.Ordinal);
            }
        }

        var screenshot = await Chromium.ScreenshotAsync(quick.HtmlPath, quick.Directory);
        Assert.True(screenshot.Length > 20_000, $"the screenshot has {screenshot.Length} bytes");
        Assert.Equal((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G'], screenshot[..4]);
    }

    [Fact]
    public async Task Unknown_scenario_or_configuration_exits_2_naming_the_valid_ones()
    {
        var scenario = await RkInProcess.RunAsync("audit", "--scenario", "leader-crash,leader-explodes");
        Assert.Equal(2, scenario.ExitCode);
        Assert.Contains("rk audit: --scenario 'leader-explodes' is not a scenario; use one of: lost-acks, leader-crash, clean-shutdown, rolling-restart, isr-below-min, cluster-outage, network-cut, unclean-election, oversized, coordinator-crash, zombie-producer.", scenario.Stderr, StringComparison.Ordinal);

        var config = await RkInProcess.RunAsync("audit", "--config", "critical", "--config", "acks2");
        Assert.Equal(2, config.ExitCode);
        Assert.Contains("--config 'acks2' is neither a configuration (acks0, acks1, acks-all, critical, at-least-once, transactional) nor a file", config.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configuration_file_that_breaks_a_rule_is_refused_with_exit_2_and_the_rule_text()
    {
        using var files = new TempFiles();
        var tenInFlight = files.Write("ten-in-flight.properties", "acks=all\nenable.idempotence=true\nmax.in.flight.requests.per.connection=10\n");

        var result = await RkInProcess.RunAsync("audit", "--config", tenInFlight);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"rk audit: --config {tenInFlight}: The producer configuration 'ten-in-flight'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("RK005 enable.idempotence=true requires max.in.flight.requests.per.connection <= 5, but it is 10.", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);

        var malformed = await RkInProcess.RunAsync("audit", "--config", files.Write("broken.json", "{ \"acks\": "));
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("is not valid JSON", malformed.Stderr, StringComparison.Ordinal);

        var missing = await RkInProcess.RunAsync("audit", "--config", files.PathOf("absent.json"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("absent.json: no such file.", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inconsistent_flags_and_an_unreachable_cluster_exit_2_naming_the_flag()
    {
        var noHook = await RkInProcess.RunAsync("audit", "--bootstrap-servers", "127.0.0.1:1");
        Assert.Equal(2, noHook.ExitCode);
        Assert.Contains("--bootstrap-servers needs --fault-command", noHook.Stderr, StringComparison.Ordinal);

        var noPlaceholders = await RkInProcess.RunAsync("audit", "--bootstrap-servers", "127.0.0.1:1", "--fault-command", "./fault.sh");
        Assert.Equal(2, noPlaceholders.ExitCode);
        Assert.Contains("--fault-command must contain {action} and {broker}", noPlaceholders.Stderr, StringComparison.Ordinal);

        var hookAlone = await RkInProcess.RunAsync("audit", "--fault-command", "./fault.sh {action} {broker}");
        Assert.Equal(2, hookAlone.ExitCode);
        Assert.Contains("--fault-command applies to a real cluster", hookAlone.Stderr, StringComparison.Ordinal);

        var rate = await RkInProcess.RunAsync("audit", "--messages-per-second", "0");
        Assert.Equal(2, rate.ExitCode);
        Assert.Contains("--messages-per-second must be between 1 and 100000", rate.Stderr, StringComparison.Ordinal);

        var directory = await RkInProcess.RunAsync("audit", "--html", "/nonexistent-dir/audit.html");
        Assert.Equal(2, directory.ExitCode);
        Assert.Contains("--html /nonexistent-dir/audit.html: the directory /nonexistent-dir does not exist.", directory.Stderr, StringComparison.Ordinal);

        var unreachable = await RkInProcess.RunAsync("audit", "--bootstrap-servers", $"127.0.0.1:{RkProcess.FreePorts(1)}", "--fault-command", "true {action} {broker}");
        Assert.Equal(2, unreachable.ExitCode);
        Assert.Contains("rk audit: cannot read the cluster at 127.0.0.1:", unreachable.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configuration_file_is_audited_under_its_name_and_json_to_stdout_prints_only_the_report()
    {
        using var files = new TempFiles();
        var producer = files.Write("producer.json", """{ "acks": "all", "enable.idempotence": true, "linger.ms": 5 }""");

        var result = await RkProcess.RunAsync(TimeSpan.FromMinutes(1), "audit", "--scenario", "oversized", "--config", producer, "--json=-");

        Assert.True(result.ExitCode == 0, result.Output);
        var report = AuditJson.Deserialize(result.Stdout);
        var configuration = Assert.Single(report.Configurations);
        Assert.Equal(("producer", true, Path.GetFullPath(producer)), (configuration.Id, configuration.IsCritical, configuration.Source));
        var run = Assert.Single(report.Results);
        Assert.Equal(("oversized", "producer", Verdict.Pass), (run.Scenario, run.Configuration, run.Verdict));
        Assert.Equal(3, run.Counts!.DeadLettered);
        Assert.Contains("│ oversized │ producer *", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Against_a_real_cluster_the_fault_command_runs_the_stop_and_start_scenarios_through_rk_fault_and_skips_the_others()
    {
        await using var cluster = ProofCluster.Start(new SimulatedClusterOptions { ReplicaLagTimeMax = TimeSpan.FromSeconds(1) });
        await cluster.ServeControlAsync();
        var bootstrap = cluster.BootstrapServers;
        using var files = new TempFiles();
        var json = files.PathOf("cluster.json");
        var rk = Path.Combine(AppContext.BaseDirectory, "ReliableKafka.Cli.dll");
        var hook = $"dotnet '{rk}' fault {{action}} {{broker}} --control {cluster.Control}";

        var result = await RkProcess.RunAsync(
            TimeSpan.FromMinutes(2),
            "audit", "--bootstrap-servers", bootstrap, "--fault-command", hook, "--short-timeouts",
            "--scenario", "clean-shutdown,rolling-restart,cluster-outage", "--scenario", "lost-acks,leader-crash,network-cut", "--config", "critical", "--json", json);

        output.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, result.Output);
        var report = AuditJson.Deserialize(File.ReadAllText(json));
        Assert.Equal(("cluster", bootstrap, hook), (report.Target, report.BootstrapServers, report.FaultCommand));
        Assert.False(report.CriticalViolation);
        foreach (var scenario in new[] { "clean-shutdown", "rolling-restart", "cluster-outage" })
        {
            var run = report.Results.Single(r => r.Scenario == scenario);
            Assert.True(run.Verdict == Verdict.Pass, $"{scenario}: {run.Verdict} {run.Error} {string.Join("; ", run.Reasons)}");
            Assert.Equal((0L, 0L, 0L), (run.Counts!.Lost, run.Counts.Duplicated, run.Counts.Reordered));
            Assert.True(run.Counts.Acknowledged > 0);
            Assert.False(run.GroundTruth);
            Assert.NotEmpty(run.Timeline);
        }

        foreach (var scenario in new[] { "lost-acks", "leader-crash", "network-cut" })
        {
            var run = report.Results.Single(r => r.Scenario == scenario);
            Assert.Equal(Verdict.Skipped, run.Verdict);
            Assert.Contains("which the command hook cannot apply", run.SkipReason, StringComparison.Ordinal);
            Assert.Contains($"skipped: {run.SkipReason}", result.Stdout, StringComparison.Ordinal);
        }

        // The stops went through rk fault as clean shutdowns, and every broker came back.
        using var http = new HttpClient { BaseAddress = new Uri(cluster.Control) };
        var events = await http.GetFromJsonAsync<JsonElement>("/events?kind=BrokerStateChanged");
        var states = events.EnumerateArray().Select(static e => e.GetProperty("brokerState").GetString()!).ToList();
        Assert.True(states.Count(static d => d == "ShutDown") >= 7, string.Join("\n", states));
        var state = await http.GetFromJsonAsync<JsonElement>("/cluster");
        Assert.All(state.GetProperty("brokers").EnumerateArray(), static b => Assert.Equal("up", b.GetProperty("state").GetString()));
    }

    private static string N(double value) => value.ToString(Invariant);

    /// <summary>Text as Chromium serializes a text node: only &amp;, &lt; and &gt; escaped.</summary>
    private static string TextAsSerialized(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string N(long value) => value.ToString(Invariant);

    /// <summary>The results table's rows by (scenario, configuration as shown).</summary>
    private static Dictionary<(string Scenario, string Configuration), TableRow> TableRows(string stdout) =>
        stdout.Split('\n')
            .Where(static line => line.StartsWith('│'))
            .Select(static line => line.Split('│', StringSplitOptions.TrimEntries)[1..^1])
            .Where(static cells => cells.Length == 12 && cells[0] != "Scenario")
            .ToDictionary(static cells => (cells[0], cells[1]), static cells => new TableRow(cells));

    private sealed record TableRow(string[] Cells)
    {
        public string Verdict => Cells[2];

        public long Sent => long.Parse(Cells[3], Invariant);

        public long Lost => long.Parse(Cells[6], Invariant);

        public long Duplicated => long.Parse(Cells[7], Invariant);

        public long Reordered => long.Parse(Cells[8], Invariant);
    }

    /// <summary>Debian's chromium, headless, as the HTML report's reader.</summary>
    private static class Chromium
    {
        private const string Path = "/usr/bin/chromium";

        public static async Task<string> DumpDomAsync(string html, string workDirectory)
        {
            var (exit, stdout, stderr) = await RunAsync(workDirectory, "--dump-dom", new Uri(html).AbsoluteUri);
            Assert.True(exit == 0 && stdout.Contains("</html>", StringComparison.Ordinal), $"chromium --dump-dom exited {exit}: {stderr}");
            return stdout;
        }

        public static async Task<byte[]> ScreenshotAsync(string html, string workDirectory)
        {
            var png = System.IO.Path.Combine(workDirectory, "audit.png");
            var (exit, _, stderr) = await RunAsync(workDirectory, $"--screenshot={png}", "--window-size=1280,2000", new Uri(html).AbsoluteUri);
            Assert.True(exit == 0 && File.Exists(png), $"chromium --screenshot exited {exit}: {stderr}");
            return await File.ReadAllBytesAsync(png);
        }

        private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workDirectory, params string[] args)
        {
            if (!File.Exists(Path))
            {
                Assert.Fail($"{Path} is missing: the HTML report is tested in headless Chromium. Install it with `bash .ci/chromium.sh` (apt-get install chromium).");
            }

            var profile = System.IO.Path.Combine(workDirectory, "chromium-profile-" + Guid.NewGuid().ToString("N")[..8]);
            string[] flags =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}",
            ];
            return ExternalTool.RunAsync(Path, [.. flags, .. args], timeout: TimeSpan.FromSeconds(60));
        }
    }
}
