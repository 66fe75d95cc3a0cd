using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Faults;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Control;

/// <summary>The control API's contract, through its real HTTP endpoint on 127.0.0.1: the documented bodies, the typed client, the refusals.</summary>
public sealed class ControlApiTests : IAsyncLifetime
{
    private SimulatedCluster _cluster = null!;
    private SimulatorControlServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _cluster = SimulatedCluster.Start();
        _cluster.CreateTopic("t", new TopicSettings(1, 3, 2));
        _server = await SimulatorControlServer.StartAsync(_cluster, "127.0.0.1", 0);
        _http = new HttpClient { BaseAddress = _server.Address };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    /// <summary>The bodies docs/faults.md shows, and what each must do to the cluster.</summary>
    public static TheoryData<string, string, string> DocumentedBodies => new()
    {
        { """{"kind":"drop-produce-responses","broker":1,"count":3}""", "drop-produce-responses", "drop the responses to 3 Produce request(s) on broker 1 after the append" },
        { """{"kind":"delay","broker":1,"ms":200,"api":"Produce"}""", "delay", "delay Produce responses of broker 1 by 200 ms" },
        { """{"kind":"delay","broker":1,"ms":200}""", "delay", "delay every response of broker 1 by 200 ms" },
        { """{"kind":"error","broker":1,"api":"Produce","error":"NOT_ENOUGH_REPLICAS","count":1,"topic":"t","partition":0}""", "error", "answer 1 Produce request(s) to broker 1 for t[0] with NOT_ENOUGH_REPLICAS (19)" },
        { """{"kind":"error","broker":1,"api":"Produce","code":19,"count":3,"topic":"t","partition":0}""", "error", "answer 3 Produce request(s) to broker 1 for t[0] with NOT_ENOUGH_REPLICAS (19)" },
        { """{"broker":2,"kind":"error","error":"NotLeaderOrFollower","api":"fetch"}""", "error", "answer 1 Fetch request(s) to broker 2 with NOT_LEADER_OR_FOLLOWER (6)" },
        { """{"kind":"pause","broker":2}""", "pause", "pause broker 2" },
        { """{"kind":"network-cut","broker":2,"clientId":"my-producer","mode":"blackhole"}""", "network-cut", "cut client.id 'my-producer' off broker 2 (blackhole)" },
        { """{"kind":"network-cut","broker":2,"mode":"reset"}""", "network-cut", "cut every client off broker 2 (reset)" },
        { """{"kind":"follower-lag","topic":"t","partition":0,"broker":3,"stop":true}""", "follower-lag", "stop follower 3 of t[0]" },
        { """{"kind":"follower-lag","topic":"t","partition":0,"broker":3,"ms":500}""", "follower-lag", "follower 3 of t[0] copies 500 ms behind" },
    };

    [Theory]
    [MemberData(nameof(DocumentedBodies))]
    public async Task Every_documented_fault_body_is_applied_and_listed(string body, string kind, string description)
    {
        using var response = await _http.PostAsync("faults", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var added = JsonDocument.Parse(text).RootElement;
        Assert.Equal(kind, added.GetProperty("kind").GetString());
        Assert.Equal(description, added.GetProperty("description").GetString());
        var id = added.GetProperty("id").GetString()!;
        Assert.StartsWith(kind + "-", id, StringComparison.Ordinal);
        var active = Assert.Single(_cluster.ActiveFaults);
        Assert.Equal((id, kind, description), (active.Id, active.Kind, active.Description));
        var listed = Assert.Single((await _http.GetFromJsonAsync<JsonElement>("faults")).EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Broker_actions_and_leader_moves_are_applied_through_their_routes_and_as_fault_kinds()
    {
        Assert.Equal("""{"id":1,"state":"down"}""", await PostAsync("brokers/1/crash"));
        Assert.Equal(BrokerStateChange.Crashed, _cluster.Truth.Events.Last(static e => e.Kind == TruthEventKind.BrokerStateChanged).BrokerState);
        Assert.Equal("""{"id":1,"state":"up"}""", await PostAsync("brokers/1/restart"));
        Assert.Equal("down", _cluster.Describe().Brokers.Single(static b => b.Id == 2).State is "up" ? await ShutdownAsync(2) : "already down");
        Assert.Equal(BrokerStateChange.ShutDown, _cluster.Truth.Events.Last(static e => e.Kind == TruthEventKind.BrokerStateChanged).BrokerState);

        using var restart = await _http.PostAsync("faults", new StringContent("""{"kind":"restart","broker":2}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, restart.StatusCode);
        Assert.Equal("up", _cluster.Describe().Brokers.Single(static b => b.Id == 2).State);
        Assert.Empty(_cluster.ActiveFaults);

        var isr = _cluster.Describe().Topics.Single().Partitions[0].Isr;
        var target = isr.First(id => id != _cluster.Describe().Topics.Single().Partitions[0].Leader);
        Assert.Equal($$"""{"topic":"t","partition":0,"leader":{{target}}}""", await PostAsync("partitions/t/0/leader", $$"""{"broker":{{target}}}"""));
        var moved = _cluster.Truth.Events.Last(static e => e.Kind == TruthEventKind.Elected);
        Assert.Equal((ElectionKind.Moved, target), (moved.Election, moved.Broker));
    }

    [Fact]
    public async Task The_typed_client_applies_each_fault_record_and_reads_the_answers()
    {
        var control = new SimulatorControlClient(_http);
        Fault[] faults =
        [
            new DropProduceResponses(1, Count: 2),
            new DelayResponses(1, Milliseconds: 50, Api: ApiKey.Fetch),
            new InjectError(1, Api: ApiKey.Metadata, Error: KafkaErrorCode.RequestTimedOut, Count: 2, Topic: "t"),
            new PauseBroker(2),
            new CutNetwork(3, ClientId: "c", Mode: NetworkCutMode.Reset),
            new LagFollower(3, Topic: "t", Partition: 0, Milliseconds: 100),
        ];

        foreach (var fault in faults)
        {
            var answer = await control.ApplyAsync(fault);
            Assert.True(answer.IsSuccess, answer.Json);
            Assert.Equal((fault.Kind, fault.Broker), (answer.Value!.Kind, answer.Value.Broker));
        }

        var listed = (await control.GetFaultsAsync()).Value!;
        Assert.Equal(faults.Select(static f => f.Kind).Order(StringComparer.Ordinal), listed.Select(static f => f.Kind).Order(StringComparer.Ordinal));
        Assert.Contains(listed, static f => f.Description == "answer 2 Metadata request(s) to broker 1 for t with REQUEST_TIMED_OUT (7)");
        Assert.True(_cluster.FaultsOf(2).IsPaused);
        Assert.Equal(["pause"], (await control.ResumeAsync(2)).Value!.Resumed.Select(static id => id.Split('-')[0]));
        Assert.Equal(faults.Length - 1, (await control.ClearFaultsAsync()).Value!.Cleared);
        Assert.Empty(_cluster.ActiveFaults);

        var crash = await control.BrokerActionAsync(new CrashBroker(3));
        Assert.Equal(new BrokerStateView(3, "down"), crash.Value);
        var refused = await control.MoveLeaderAsync(new MoveLeader(3, Topic: "t", Partition: 0));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.StartsWith("Broker 3 is not an online in-sync replica of t[0]", refused.Problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_keep_their_documented_properties_and_carry_typed_fields()
    {
        var events = await _http.GetFromJsonAsync<JsonElement>("events?kind=elected&topic=t");
        var initial = Assert.Single(events.EnumerateArray());
        foreach (var name in new[] { "sequence", "at", "kind", "topic", "partition", "broker", "firstOffset", "lastOffset", "leaderEpoch", "producerId", "detail" })
        {
            Assert.True(initial.TryGetProperty(name, out _), $"no {name} in {initial}");
        }

        Assert.Equal("Elected", initial.GetProperty("kind").GetString());
        Assert.Equal("Initial", initial.GetProperty("election").GetString());
        Assert.Equal([1, 2, 3], initial.GetProperty("isr").EnumerateArray().Select(static i => i.GetInt32()));

        _cluster.CrashBroker(1);
        var typed = (await new SimulatorControlClient(_http).GetEventsAsync(new EventQuery(Since: initial.GetProperty("sequence").GetInt64()))).Value!;
        Assert.Contains(typed, static e => e.Kind == TruthEventKind.BrokerStateChanged && e.BrokerState == BrokerStateChange.Crashed && e.Broker == 1);
        Assert.Contains(typed, static e => e.Kind == TruthEventKind.Elected && e.Election == ElectionKind.Clean && e.Isr!.SequenceEqual([2, 3]));
    }

    [Theory]
    [InlineData("""{"kind":"meteor","broker":2}""", "Unknown fault kind 'meteor'; use one of drop-produce-responses, delay, error, pause, network-cut, follower-lag, crash, shutdown, restart, move-leader, hold-markers.")]
    [InlineData("""{"broker":2}""", "Give a \"kind\": one of drop-produce-responses, delay, error, pause, network-cut, follower-lag, crash, shutdown, restart, move-leader, hold-markers.")]
    [InlineData("""[1,2]""", "Send a JSON object such as {\"kind\":\"delay\",\"broker\":1,\"ms\":200}. Kinds: drop-produce-responses,")]
    [InlineData("""{"kind":"delay","broker":1}""", "Fault 'delay': \"ms\" is missing. Send {\"kind\":\"delay\",")]
    [InlineData("""{"kind":"follower-lag"}""", "Fault 'follower-lag': \"topic\" and \"broker\" are missing.")]
    [InlineData("""{"kind":"delay","broker":1,"ms":"soon"}""", "Fault 'delay': \"ms\" cannot be \"soon\".")]
    [InlineData("""{"kind":"error","broker":1,"error":"BOGUS"}""", "Unknown Kafka error 'BOGUS'; give a name such as NOT_ENOUGH_REPLICAS or a code such as 19.")]
    [InlineData("""{"kind":"delay","broker":1,"ms":5,"api":"Teleport"}""", "Unknown API 'Teleport'")]
    [InlineData("""{"kind":"drop-produce-responses","broker":9,"count":5}""", "Fault 'drop-produce-responses': there is no broker 9; brokers are 1, 2, 3. Send {\"kind\":\"drop-produce-responses\",\"broker\":1,\"count\":5}.")]
    [InlineData("""{"kind":"network-cut","broker":2,"mode":"drop"}""", "Fault 'network-cut': \"mode\" cannot be \"drop\".")]
    [InlineData("""{"kind":"follower-lag","topic":"nope","broker":2,"stop":true}""", "nope[0] does not exist.")]
    public async Task A_refused_body_gets_400_problem_details_that_say_what_to_send(string body, string message)
    {
        using var response = await _http.PostAsync("faults", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains(message, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(problem.GetProperty("detail").GetString(), problem.GetProperty("error").GetString());
        Assert.Empty(_cluster.ActiveFaults);
    }

    [Fact]
    public async Task Unknown_brokers_faults_and_event_kinds_are_refused_with_their_status()
    {
        using var crash = await _http.PostAsync("brokers/9/crash", null);
        Assert.Equal(HttpStatusCode.NotFound, crash.StatusCode);
        Assert.Equal("No broker 9; brokers are 1, 2, 3.", (await crash.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        using var remove = await _http.DeleteAsync("faults/delay-404");
        Assert.Equal(HttpStatusCode.NotFound, remove.StatusCode);
        using var leader = await _http.PostAsync("partitions/t/0/leader", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, leader.StatusCode);
        using var kind = await _http.GetAsync("events?kind=Exploded");
        Assert.Equal(HttpStatusCode.BadRequest, kind.StatusCode);
        Assert.StartsWith("Unknown event kind 'Exploded'", (await kind.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private async Task<string> ShutdownAsync(int broker)
    {
        var answer = await PostAsync($"brokers/{broker}/shutdown");
        return JsonDocument.Parse(answer).RootElement.GetProperty("state").GetString()!;
    }

    private async Task<string> PostAsync(string path, string? body = null)
    {
        using var response = await _http.PostAsync(path, body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return text;
    }
}
