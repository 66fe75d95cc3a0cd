using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;

namespace ReliableKafka.Cli.Tests.Faults;

/// <summary>
/// <c>rk fault</c> run in the test process against a simulated cluster whose control API is served on a real socket, as
/// <c>rk cluster</c> serves it; effects checked through GET /cluster, /faults and /events. The address is always passed
/// with --control, never through $RK_CONTROL, which the process shares. <see cref="FaultEndToEndTests"/> runs rk itself.
/// </summary>
public sealed class FaultCommandTests(FaultCommandTests.Cluster cluster) : IClassFixture<FaultCommandTests.Cluster>
{
    [Fact]
    public async Task Crash_takes_the_leader_down_restart_brings_it_back_and_leader_and_shutdown_move_leadership()
    {
        // Its own cluster: this test leaves brokers down.
        await using var own = ProofCluster.Start(new SimulatedClusterOptions(), ("orders", new TopicSettings(1, 3, 2)));
        await own.ServeControlAsync();
        var control = own.Control;
        using var http = new HttpClient { BaseAddress = new Uri(control) };
        var leader = Partition(await ClusterAsync(http), "orders", 0).GetProperty("leader").GetInt32();

        var crash = await FaultAsync(control, "crash", Id(leader));

        Assert.True(crash.Exit == 0, crash.Stderr);
        Assert.Contains($"broker {leader} crashed", crash.Stdout, StringComparison.Ordinal);
        var state = await ClusterAsync(http);
        Assert.Equal("down", Broker(state, leader).GetProperty("state").GetString());
        var newLeader = Partition(state, "orders", 0).GetProperty("leader").GetInt32();
        Assert.NotEqual(leader, newLeader);
        Assert.True(newLeader > 0);

        var restart = await FaultAsync(control, "restart", Id(leader));
        Assert.True(restart.Exit == 0, restart.Stderr);
        Assert.Equal("up", Broker(await ClusterAsync(http), leader).GetProperty("state").GetString());

        var target = new[] { 1, 2, 3 }.First(b => b != leader && b != newLeader);
        var move = await FaultAsync(control, "leader", "orders", "0", Id(target), "--json");
        Assert.True(move.Exit == 0, move.Stderr);
        Assert.Equal(target, JsonDocument.Parse(move.Stdout).RootElement.GetProperty("leader").GetInt32());
        Assert.Equal(target, Partition(await ClusterAsync(http), "orders", 0).GetProperty("leader").GetInt32());

        var shutdown = await FaultAsync(control, "shutdown", Id(target));
        Assert.True(shutdown.Exit == 0, shutdown.Stderr);
        state = await ClusterAsync(http);
        Assert.Equal("down", Broker(state, target).GetProperty("state").GetString());
        Assert.NotEqual(target, Partition(state, "orders", 0).GetProperty("leader").GetInt32());
        var events = await http.GetFromJsonAsync<JsonElement>($"/events?kind=BrokerStateChanged&broker={target}");
        Assert.Contains(events.EnumerateArray(), static e => e.GetProperty("brokerState").GetString() == "ShutDown");
    }

    [Fact]
    public async Task Error_fault_refuses_one_produce_the_client_retries_and_the_events_show_it()
    {
        using var http = await cluster.ResetAsync();
        var leader = Partition(await ClusterAsync(http), "orders", 0).GetProperty("leader").GetInt32();
        var since = await LastSequenceAsync(http);

        var error = await FaultAsync(cluster.Control, "error", Id(leader), "--code", "NOT_ENOUGH_REPLICAS", "--api", "Produce", "--count", "1", "--topic", "orders", "--partition", "0");

        Assert.True(error.Exit == 0, error.Stderr);
        Assert.Contains($"answer 1 Produce request(s) to broker {leader} for orders[0] with NOT_ENOUGH_REPLICAS (19)", error.Stdout, StringComparison.Ordinal);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = cluster.Bootstrap,
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = 20000,
            RetryBackoffMs = 20,
        }).Build())
        {
            var delivered = await producer.ProduceAsync(new TopicPartition("orders", 0), new Message<string, string> { Key = "task-1", Value = "created" });
            Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        }

        var events = await FaultAsync(cluster.Control, "events", "--kind", "ErrorInjected", "--topic", "orders", "--partition", "0", "--since", since.ToString(CultureInfo.InvariantCulture), "--json");
        Assert.True(events.Exit == 0, events.Stderr);
        var injected = Assert.Single(JsonDocument.Parse(events.Stdout).RootElement.EnumerateArray());
        Assert.Equal(leader, injected.GetProperty("broker").GetInt32());
        Assert.Equal(("Produce", "NOT_ENOUGH_REPLICAS"), (injected.GetProperty("api").GetString(), injected.GetProperty("error").GetString()));
        var table = await FaultAsync(cluster.Control, "events", "--kind", "error-injected", "--since", since.ToString(CultureInfo.InvariantCulture));
        Assert.Contains("ErrorInjected", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("orders[0]", table.Stdout, StringComparison.Ordinal);
        Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/faults")).EnumerateArray());
    }

    [Fact]
    public async Task Pause_then_resume_round_trips_and_a_second_resume_is_harmless()
    {
        using var http = await cluster.ResetAsync();
        var since = await LastSequenceAsync(http);

        var pause = await FaultAsync(cluster.Control, "pause", "2");

        Assert.True(pause.Exit == 0, pause.Stderr);
        Assert.Contains("pause broker 2; 'rk fault resume 2' resumes it", pause.Stdout, StringComparison.Ordinal);
        var paused = Assert.Single((await http.GetFromJsonAsync<JsonElement>("/faults")).EnumerateArray());
        Assert.Equal("pause", paused.GetProperty("kind").GetString());
        Assert.Equal(2, paused.GetProperty("broker").GetInt32());

        var resume = await FaultAsync(cluster.Control, "resume", "2");
        Assert.True(resume.Exit == 0, resume.Stderr);
        Assert.Contains($"broker 2 resumed (ended {paused.GetProperty("id").GetString()})", resume.Stdout, StringComparison.Ordinal);
        Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/faults")).EnumerateArray());
        var states = await http.GetFromJsonAsync<JsonElement>($"/events?kind=BrokerStateChanged&broker=2&since={since}");
        Assert.Equal(["Paused", "Resumed"], states.EnumerateArray().Select(static e => e.GetProperty("brokerState").GetString()));

        var again = await FaultAsync(cluster.Control, "resume", "2");
        Assert.Equal(0, again.Exit);
        Assert.Contains("broker 2 was not paused", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Faults_are_listed_as_json_removed_by_id_and_cleared()
    {
        using var http = await cluster.ResetAsync();

        var added = await Task.WhenAll(
            FaultAsync(cluster.Control, "delay", "1", "--ms", "50", "--api", "Fetch"),
            FaultAsync(cluster.Control, "cut", "2", "--client-id", "nobody", "--mode", "reset"),
            FaultAsync(cluster.Control, "drop-acks", "3", "--count", "2"),
            FaultAsync(cluster.Control, "lag", "orders", "1", "3", "--ms", "1000"),
            FaultAsync(cluster.Control, "hold-markers", "2"));
        Assert.All(added, static a => Assert.True(a.Exit == 0, a.Stderr));

        var list = await FaultAsync(cluster.Control, "list", "--json");
        Assert.Equal(0, list.Exit);
        var faults = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(["delay", "drop-produce-responses", "follower-lag", "hold-markers", "network-cut"], faults.Select(static f => f.GetProperty("kind").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(2, faults.Single(static f => f.GetProperty("kind").GetString() == "drop-produce-responses").GetProperty("remaining").GetInt32());
        var delayId = faults.Single(static f => f.GetProperty("kind").GetString() == "delay").GetProperty("id").GetString()!;
        var table = await FaultAsync(cluster.Control, "list");
        Assert.All(faults, f => Assert.Contains(f.GetProperty("id").GetString()!, table.Stdout, StringComparison.Ordinal));

        var remove = await FaultAsync(cluster.Control, "clear", delayId);
        Assert.Equal(0, remove.Exit);
        Assert.Contains($"removed {delayId}", remove.Stdout, StringComparison.Ordinal);
        Assert.Equal(4, (await http.GetFromJsonAsync<JsonElement>("/faults")).GetArrayLength());

        var clear = await FaultAsync(cluster.Control, "clear");
        Assert.Equal(0, clear.Exit);
        Assert.Contains("cleared 4 fault(s)", clear.Stdout, StringComparison.Ordinal);
        Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/faults")).EnumerateArray());

        var gone = await FaultAsync(cluster.Control, "clear", delayId);
        Assert.Equal(1, gone.Exit);
        Assert.Contains($"No fault {delayId} is in force", gone.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("crash 9", "rk fault: No broker 9; brokers are 1, 2, 3.")]
    [InlineData("pause 9", "there is no broker 9; brokers are 1, 2, 3")]
    [InlineData("error 1 --code BOGUS", "Unknown Kafka error 'BOGUS'; give a name such as NOT_ENOUGH_REPLICAS or a code such as 19.")]
    [InlineData("leader orders 0 9", "Broker 9 is not an online in-sync replica of orders[0]")]
    public async Task What_the_control_api_refuses_exits_1_with_its_message(string command, string expected)
    {
        var refused = await FaultAsync(cluster.Control, command.Split(' '));

        Assert.Equal(1, refused.Exit);
        Assert.Contains(expected, refused.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("meteor 2", "Unknown command 'meteor'.")]
    [InlineData("crash", "Command 'crash' is missing required argument 'BROKER'.")]
    [InlineData("crash two", "the argument takes a whole number, not 'two'")]
    [InlineData("lag orders 0 3", "Give either --stop (the follower stops fetching) or --ms N")]
    [InlineData("delay 1", "Give --ms, the delay in milliseconds, such as --ms 200.")]
    [InlineData("cut 1 --mode drop", "--mode must be blackhole or reset, not 'drop'.")]
    public async Task Bad_usage_exits_2_with_a_clear_message(string command, string expected)
    {
        // A control API that is never called: each of these is refused before any request.
        var usage = await FaultAsync(cluster.Control, command.Split(' '));

        Assert.Equal(2, usage.Exit);
        Assert.Contains(expected, usage.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_control_api_that_never_answers_exits_2_within_the_bound()
    {
        // A listener that accepts connections and never answers.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var clock = Stopwatch.StartNew();

            var hung = await FaultAsync($"http://127.0.0.1:{port}", "restart", "2");

            Assert.Equal(2, hung.Exit);
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(15));
            Assert.Contains($"cannot reach the control API at http://127.0.0.1:{port} (no answer within 5 s)", hung.Stderr, StringComparison.Ordinal);
            Assert.Empty(hung.Stdout);
        }
        finally
        {
            silent.Stop();
        }
    }

    /// <summary>Runs <c>rk fault ARGS --control URL</c> in process.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> FaultAsync(string control, params string[] args)
    {
        var rk = await RkInProcess.RunAsync(["fault", .. args, "--control", control]);
        return (rk.ExitCode, rk.Stdout, rk.Stderr);
    }

    private static string Id(int broker) => broker.ToString(CultureInfo.InvariantCulture);

    private static Task<JsonElement> ClusterAsync(HttpClient http) => http.GetFromJsonAsync<JsonElement>("/cluster");

    private static JsonElement Broker(JsonElement cluster, int id) =>
        cluster.GetProperty("brokers").EnumerateArray().Single(b => b.GetProperty("id").GetInt32() == id);

    private static JsonElement Partition(JsonElement cluster, string topic, int partition) =>
        cluster.GetProperty("topics").EnumerateArray().Single(t => t.GetProperty("name").GetString() == topic).GetProperty("partitions")[partition];

    private static async Task<long> LastSequenceAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/events")).EnumerateArray().Select(static e => e.GetProperty("sequence").GetInt64()).DefaultIfEmpty(0).Max();

    /// <summary>
    /// One cluster shared by the tests that leave every broker up; each starts with no fault in force. A paused broker is
    /// not fenced for a minute, so a slow machine does not turn the pause test into a fencing test.
    /// </summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private ProofCluster? _cluster;

        internal string Control => _cluster!.Control;

        internal string Bootstrap => _cluster!.BootstrapServers;

        public async Task InitializeAsync()
        {
            _cluster = ProofCluster.Start(new SimulatedClusterOptions { BrokerSessionTimeout = TimeSpan.FromMinutes(1) }, ("orders", new TopicSettings(2, 3, 2)));
            await _cluster.ServeControlAsync();
        }

        /// <summary>Clears every fault and returns a client of the control API.</summary>
        internal async Task<HttpClient> ResetAsync()
        {
            var http = new HttpClient { BaseAddress = new Uri(Control) };
            (await http.DeleteAsync("/faults")).EnsureSuccessStatusCode();
            return http;
        }

        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }
    }
}
