using System.Net.Http.Json;
using System.Text.Json;
using ReliableKafka.Testing;

namespace ReliableKafka.Cli.Tests.Cluster;

public sealed class ClusterCommandTests
{
    [Fact]
    [Trait("Requires", "Kcat")]
    public async Task Kcat_lists_the_brokers_then_produces_and_consumes_through_rk_cluster()
    {
        var (rk, bootstrap, _) = await RkCluster.StartAsync("--topic", "task-events:3:3:2");
        await using var _ = rk;
        Assert.Equal(3, bootstrap.Split(',').Length);

        var metadata = await ExternalTool.RunAsync("/usr/bin/kcat", ["-b", bootstrap, "-L"]);
        Assert.Equal(0, metadata.ExitCode);
        Assert.Contains("3 brokers:", metadata.Stdout, StringComparison.Ordinal);
        Assert.Contains("topic \"task-events\" with 3 partitions:", metadata.Stdout, StringComparison.Ordinal);

        var lines = string.Join('\n', Enumerable.Range(0, 3000).Select(static i => $"task-{i % 30}:event-{i}")) + "\n";
        var produce = await ExternalTool.RunAsync("/usr/bin/kcat", ["-b", bootstrap, "-P", "-t", "task-events", "-K:", "-X", "acks=all", "-X", "enable.idempotence=true"], lines);
        Assert.True(produce.ExitCode == 0, produce.Stderr);

        var consume = await ExternalTool.RunAsync("/usr/bin/kcat", ["-b", bootstrap, "-C", "-t", "task-events", "-o", "beginning", "-e", "-q", "-f", "%k:%s\\n"]);
        Assert.Equal(0, consume.ExitCode);
        var consumed = consume.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3000, consumed.Length);
        Assert.Equal(lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(), consumed.Order());

        var group = await ExternalTool.RunAsync("/usr/bin/kcat", ["-b", bootstrap, "-G", "kcat-group", "task-events", "-e", "-q", "-X", "auto.offset.reset=earliest"], timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(3000, group.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    [Trait("Requires", "Python")]
    public async Task Python_confluent_kafka_publishes_task_created_with_the_production_config_and_a_group_reads_it_back()
    {
        var (rk, bootstrap, _) = await RkCluster.StartAsync("--topic", "task-events:3:3:2");
        await using var _ = rk;
        var script = Path.Combine(Path.GetTempPath(), $"rk-interop-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, PythonScript);
        try
        {
            var run = await ExternalTool.RunAsync("/usr/bin/python3", [script, bootstrap, "500"], timeout: TimeSpan.FromSeconds(90));

            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            Assert.Contains("delivered=500 failed=0", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("consumed=500 distinct=500", run.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    [Trait("Requires", "Node")]
    public async Task Kafkajs_a_pure_javascript_client_produces_idempotently_and_consumes_with_a_group()
    {
        var (rk, bootstrap, _) = await RkCluster.StartAsync("--topic", "task-events:3:3:2");
        await using var _ = rk;
        var interop = Path.Combine(ExternalTool.RepositoryRoot, "tests", "interop", "kafkajs");
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", "kafkajs")), "run 'npm ci' in tests/interop/kafkajs (.ci/run does)");

        var run = await ExternalTool.RunAsync("node", [Path.Combine(interop, "interop.js"), bootstrap, "task-events", "300"], timeout: TimeSpan.FromSeconds(90));

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("produced=300", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("consumed=300 distinct=300", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_control_api_reports_the_cluster_crashes_and_restarts_brokers_and_moves_leaders()
    {
        var (rk, _, controlPort) = await RkCluster.StartAsync("--topic", "orders:2:3:2");
        await using var _ = rk;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{controlPort}") };

        var cluster = await http.GetFromJsonAsync<JsonElement>("/cluster");
        Assert.Equal([1, 2, 3], cluster.GetProperty("brokers").EnumerateArray().Select(static b => b.GetProperty("id").GetInt32()));
        var orders = cluster.GetProperty("topics").EnumerateArray().Single(static t => t.GetProperty("name").GetString() == "orders");
        var partition0 = orders.GetProperty("partitions")[0];
        Assert.Equal(1, partition0.GetProperty("leader").GetInt32());
        Assert.Equal([1, 2, 3], partition0.GetProperty("isr").EnumerateArray().Select(static i => i.GetInt32()));
        Assert.Equal(0, partition0.GetProperty("highWatermark").GetInt64());

        var crash = await http.PostAsync("/brokers/1/crash", null);
        Assert.True(crash.IsSuccessStatusCode);
        cluster = await http.GetFromJsonAsync<JsonElement>("/cluster");
        Assert.Equal("down", cluster.GetProperty("brokers")[0].GetProperty("state").GetString());
        partition0 = cluster.GetProperty("topics").EnumerateArray().Single(static t => t.GetProperty("name").GetString() == "orders").GetProperty("partitions")[0];
        Assert.Equal(2, partition0.GetProperty("leader").GetInt32());
        Assert.Equal(1, partition0.GetProperty("leaderEpoch").GetInt32());

        Assert.True((await http.PostAsync("/brokers/1/restart", null)).IsSuccessStatusCode);
        await Eventually.WaitUntilAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>("/cluster")).GetProperty("topics").EnumerateArray().Single(static t => t.GetProperty("name").GetString() == "orders")
                .GetProperty("partitions")[0].GetProperty("isr").GetArrayLength() == 3,
            TimeSpan.FromSeconds(15),
            "the restarted broker rejoining the ISR");
        var move = await http.PostAsJsonAsync("/partitions/orders/0/leader", new { broker = 3 });
        Assert.True(move.IsSuccessStatusCode, await move.Content.ReadAsStringAsync());
        cluster = await http.GetFromJsonAsync<JsonElement>("/cluster");
        Assert.Equal("up", cluster.GetProperty("brokers")[0].GetProperty("state").GetString());
        Assert.Equal(3, cluster.GetProperty("topics").EnumerateArray().Single(static t => t.GetProperty("name").GetString() == "orders").GetProperty("partitions")[0].GetProperty("leader").GetInt32());

        var unknown = await http.PostAsync("/brokers/9/crash", null);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No broker 9; brokers are 1, 2, 3.", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unknownKind = await http.PostAsJsonAsync("/faults", new { kind = "meteor", broker = 2 });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unknownKind.StatusCode);
        var problem = await unknownKind.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Unknown fault kind 'meteor'", problem.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(problem.GetProperty("error").GetString(), problem.GetProperty("detail").GetString());
        var drop = await http.PostAsJsonAsync("/faults", new { kind = "drop-produce-responses", broker = 2, count = 5 });
        Assert.Equal(System.Net.HttpStatusCode.Created, drop.StatusCode);
        var dropped = await drop.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("drop-produce-responses-", dropped.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, dropped.GetProperty("remaining").GetInt32());
        var badDrop = await http.PostAsJsonAsync("/faults", new { kind = "drop-produce-responses", broker = 9, count = 5 });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badDrop.StatusCode);
        Assert.Contains("there is no broker 9; brokers are 1, 2, 3", (await badDrop.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
        var delay = await http.PostAsJsonAsync("/faults", new { kind = "delay", broker = 1, ms = 200 });
        Assert.Equal(System.Net.HttpStatusCode.Created, delay.StatusCode);
        var listed = await http.GetFromJsonAsync<JsonElement>("/faults");
        Assert.Equal(["delay", "drop-produce-responses"], listed.EnumerateArray().Select(static f => f.GetProperty("kind").GetString()).Order(StringComparer.Ordinal));
        var delayId = (await delay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.True((await http.DeleteAsync($"/faults/{delayId}")).IsSuccessStatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.DeleteAsync($"/faults/{delayId}")).StatusCode);
        var cleared = await (await http.DeleteAsync("/faults")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, cleared.GetProperty("cleared").GetInt32());

        var truth = await http.GetFromJsonAsync<JsonElement>("/events?topic=orders&partition=0");
        Assert.Contains(truth.EnumerateArray(), static e => e.GetProperty("kind").GetString() == "Elected" && e.GetProperty("leaderEpoch").GetInt32() == 1);
    }

    [Fact]
    public async Task Sigterm_stops_the_cluster_cleanly()
    {
        var (rk, _, _) = await RkCluster.StartAsync();
        await using var _ = rk;

        rk.Terminate();

        Assert.Equal(0, await rk.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("rk cluster: stopping.", rk.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Requires", "Kcat")]
    public async Task With_a_data_dir_the_logs_survive_a_restart_of_the_command()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"rk-cluster-data-{Guid.NewGuid():N}");
        try
        {
            var (first, bootstrap, _) = await RkCluster.StartAsync("--topic", "kept:1:3:2", "--data-dir", directory);
            await using (first)
            {
                var lines = string.Join('\n', Enumerable.Range(0, 500).Select(static i => $"line-{i}")) + "\n";
                var produce = await ExternalTool.RunAsync("/usr/bin/kcat", ["-b", bootstrap, "-P", "-t", "kept", "-X", "acks=all"], lines);
                Assert.True(produce.ExitCode == 0, produce.Stderr);
                first.Terminate();
                Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            }

            var (second, bootstrapAgain, _) = await RkCluster.StartAsync("--topic", "kept:1:3:2", "--data-dir", directory);
            await using var _ = second;
            var consume = await ExternalTool.RunAsync("/usr/bin/kcat", ["-b", bootstrapAgain, "-C", "-t", "kept", "-o", "beginning", "-e", "-q"]);

            Assert.Equal(500, consume.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Contains("topic kept already exists in --data-dir; keeping it as it is.", second.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("--topic", "orders:x:3", "--topic 'orders:x:3' is not name:partitions:replication[:min.insync[:unclean]] with positive numbers")]
    [InlineData("--topic", "orders:3:5", "replication factor 5 needs at least 5 brokers; --brokers is 3")]
    [InlineData("--brokers", "0", "--brokers must be between 1 and 50, not 0.")]
    public async Task Bad_input_is_rejected_with_a_clear_error(string option, string value, string expected)
    {
        // Refused before any port is bound, so it runs in process.
        var rk = await RkInProcess.RunAsync("cluster", option, value);

        Assert.NotEqual(0, rk.ExitCode);
        Assert.Contains(expected, rk.Output, StringComparison.Ordinal);
    }

    private const string PythonScript = """
        import json, sys, uuid, datetime
        from confluent_kafka import Producer, Consumer

        bootstrap, count = sys.argv[1], int(sys.argv[2])
        producer = Producer({
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": True,
            "compression.type": "lz4",
            "linger.ms": 5,
            "retries": 2147483647,
            "max.in.flight.requests.per.connection": 5,
            "delivery.timeout.ms": 120000,
        })
        outcome = {"delivered": 0, "failed": 0}
        def on_delivery(err, msg):
            outcome["failed" if err else "delivered"] += 1
        for i in range(count):
            task_id = str(uuid.uuid4())
            event = {"event_type": "task.created", "event_id": str(uuid.uuid4()), "task_id": task_id,
                     "title": f"Task {i}", "created_at": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")}
            producer.produce("task-events", key=task_id, value=json.dumps(event), headers={"event-id": event["event_id"]}, on_delivery=on_delivery)
            producer.poll(0)
        producer.flush(60)
        print(f"delivered={outcome['delivered']} failed={outcome['failed']}", flush=True)

        consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "notifications", "auto.offset.reset": "earliest",
                             "session.timeout.ms": 6000, "heartbeat.interval.ms": 500})
        consumer.subscribe(["task-events"])
        seen = []
        import time
        deadline = time.time() + 60
        while len(seen) < count and time.time() < deadline:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            seen.append(json.loads(msg.value())["event_id"])
        consumer.close()
        print(f"consumed={len(seen)} distinct={len(set(seen))}", flush=True)
        """;
}
