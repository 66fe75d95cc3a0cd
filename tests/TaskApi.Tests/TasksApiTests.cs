using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ReliableKafka.Testing;
using TaskApi.Tests.Infrastructure;

namespace TaskApi.Tests;

/// <summary>The embedded default, as on a fresh machine: no Kafka and no database configured.</summary>
public sealed class EmbeddedTaskApi : IAsyncLifetime
{
    private string _directory = "";

    internal TaskApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"taskapi-embedded-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        Api = await TaskApiProcess.StartAsync(_directory);
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>The HTTP API against the real process with its embedded simulated cluster and SQLite database.</summary>
public sealed class TasksApiTests(EmbeddedTaskApi fixture) : IClassFixture<EmbeddedTaskApi>
{
    private TaskApiProcess Api => fixture.Api;

    [Fact]
    public async Task Embedded_default_logs_its_bootstrap_servers_and_uses_the_data_directory()
    {
        var servers = Api.EmbeddedBootstrapServers();
        Assert.Equal(3, servers.Split(',').Length);
        Assert.Contains("No Kafka:BootstrapServers configured: embedded simulated Kafka cluster", Api.Output);
        Assert.True(File.Exists(Path.Combine(Api.DataDirectory, "tasks.db")));
        Assert.True(File.Exists(Path.Combine(Api.DataDirectory, "notifications.db")));
        var health = await Api.GetJsonAsync("/health");
        Assert.Equal(3, health.GetProperty("checks").GetProperty("kafka").GetProperty("data").GetProperty("brokers").GetInt32());
    }

    [Fact]
    public async Task Post_returns_201_with_the_task_and_its_location_and_get_returns_it()
    {
        using var response = await Api.Http.PostAsJsonAsync("/tasks", new { title = "Write the report", description = "Quarterly", dueDate = "2030-01-15T10:30:00Z" });
        var task = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = task.GetProperty("id").GetString()!;
        Assert.Equal($"/tasks/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Write the report", task.GetProperty("title").GetString());
        Assert.Equal("Quarterly", task.GetProperty("description").GetString());
        Assert.Equal(new DateTimeOffset(2030, 1, 15, 10, 30, 0, TimeSpan.Zero), task.GetProperty("dueDate").GetDateTimeOffset());
        Assert.Equal("open", task.GetProperty("status").GetString());
        var read = await Api.GetJsonAsync($"/tasks/{id}");
        Assert.Equal(task.ToString(), read.ToString());
    }

    [Theory]
    [InlineData("{}", "title", "The title is required.")]
    [InlineData("{\"title\":\"   \"}", "title", "The title is required.")]
    [InlineData("{\"title\":null}", "title", "The title is required.")]
    [InlineData("null", "body", "A JSON body with a title is required.")]
    public async Task A_missing_title_is_a_validation_problem_and_creates_nothing(string body, string field, string message)
    {
        var before = await CountTasksAsync();
        var (status, problem) = await PostRawAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.Equal(before, await CountTasksAsync());
    }

    [Fact]
    public async Task Title_and_description_lengths_are_limited_in_characters()
    {
        var before = await CountTasksAsync();
        var (tooLong, problem) = await Api.CreateAsync(new { title = new string('t', 201), description = new string('d', 4001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
        Assert.Equal("The title has 201 characters; at most 200 are allowed.", problem.GetProperty("errors").GetProperty("title")[0].GetString());
        Assert.Equal("The description has 4001 characters; at most 4000 are allowed.", problem.GetProperty("errors").GetProperty("description")[0].GetString());
        Assert.Equal(before, await CountTasksAsync());

        // 200 emoji are 400 UTF-16 code units but 200 characters.
        var (atLimit, task) = await Api.CreateAsync(new { title = string.Concat(Enumerable.Repeat("\U0001F600", 200)), description = new string('d', 4000) });
        Assert.Equal(HttpStatusCode.Created, atLimit);
        Assert.Equal(400, task.GetProperty("title").GetString()!.Length);
    }

    [Fact]
    public async Task Malformed_json_gets_a_problem_with_the_parser_reason_and_creates_nothing()
    {
        var before = await CountTasksAsync();
        var (status, problem) = await PostRawAsync("{\"title\": \"unterminated");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The request body is not valid JSON.", problem.GetProperty("title").GetString());
        Assert.Contains("LineNumber", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await CountTasksAsync());

        var (wrongType, typeProblem) = await PostRawAsync("{\"title\":\"x\",\"dueDate\":\"next week\"}");
        Assert.Equal(HttpStatusCode.BadRequest, wrongType);
        Assert.StartsWith("The value at $.dueDate has the wrong type", typeProblem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_oversized_body_gets_413_with_the_limit_and_creates_nothing()
    {
        var before = await CountTasksAsync();
        var (status, problem) = await PostRawAsync($"{{\"title\":\"x\",\"description\":\"{new string('d', 70_000)}\"}}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("The body is larger than the 65536 bytes accepted.", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await CountTasksAsync());
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_415()
    {
        using var response = await Api.Http.PostAsync("/tasks", new StringContent("title=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Unknown_ids_get_404_problems()
    {
        var get = await Api.Http.GetAsync("/tasks/01900000-0000-7000-8000-000000000000");
        var complete = await Api.Http.PostAsync("/tasks/no-such-task/complete", null);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal("There is no task with id 'no-such-task'.", (await complete.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, complete.StatusCode);
    }

    [Fact]
    public async Task A_retried_post_with_the_same_idempotency_key_returns_the_first_result()
    {
        var key = Guid.NewGuid().ToString();
        var before = await CountTasksAsync();
        var (first, created) = await Api.CreateAsync(new { title = "Pay the invoice" }, key);
        using var retry = new HttpRequestMessage(HttpMethod.Post, "/tasks") { Content = JsonContent.Create(new { title = "Pay the invoice" }) };
        retry.Headers.Add("Idempotency-Key", key);
        using var again = await Api.Http.SendAsync(retry);
        var replayed = await again.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(created.ToString(), replayed.ToString());
        Assert.Equal(before + 1, await CountTasksAsync());

        var (reused, problem) = await Api.CreateAsync(new { title = "Something else" }, key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused);
        Assert.Equal("Idempotency-Key reused for a different request.", problem.GetProperty("title").GetString());
    }

    /// <summary>
    /// Two different bodies whose fields joined with a separator read the same ("A" + sep + "B", "C" against "A", "B" + sep
    /// + "C") are different requests: reusing the key for the second is refused with 422, not answered as a replay.
    /// </summary>
    [Fact]
    public async Task An_idempotency_key_reused_for_a_body_whose_fields_only_join_the_same_is_refused()
    {
        var key = Guid.NewGuid().ToString();
        var (first, _) = await Api.CreateAsync(new { title = "A\u001fB", description = "C" }, key);
        var (second, problem) = await Api.CreateAsync(new { title = "A", description = "B\u001fC" }, key);

        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second);
        Assert.Equal("Idempotency-Key reused for a different request.", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Concurrent_posts_with_one_idempotency_key_create_one_task()
    {
        var key = Guid.NewGuid().ToString();
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Api.CreateAsync(new { title = "Book the venue" }, key)));

        Assert.All(results, static r => Assert.Equal(HttpStatusCode.Created, r.Status));
        Assert.Single(results.Select(static r => r.Body.GetProperty("id").GetString()).Distinct());
    }

    [Fact]
    public async Task Paging_walks_every_task_once_in_creation_order()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Api.CreateTaskAsync($"paged {i}"));
        }

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await Api.GetJsonAsync($"/tasks?limit=2{(after is null ? "" : $"&after={after}")}");
            var items = page.GetProperty("items").EnumerateArray().Select(static t => t.GetProperty("id").GetString()!).ToList();
            Assert.InRange(items.Count, 0, 2);
            seen.AddRange(items);
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);

        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(ids, seen.Where(ids.Contains));
        var (status, problem) = await GetRawAsync("/tasks?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("limit", problem.GetProperty("errors").EnumerateObject().Select(static p => p.Name));
    }

    [Fact]
    public async Task Completing_twice_keeps_the_first_completion()
    {
        var id = await Api.CreateTaskAsync("Ship it");
        using var first = await Api.Http.PostAsync($"/tasks/{id}/complete", null);
        var completed = await first.Content.ReadFromJsonAsync<JsonElement>();
        using var second = await Api.Http.PostAsync($"/tasks/{id}/complete", null);
        var again = await second.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(completed.ToString(), again.ToString());
    }

    [Fact]
    public async Task Created_and_completed_events_reach_task_events_keyed_by_task_id_and_one_notification_is_sent()
    {
        var id = await Api.CreateTaskAsync("Announce the release");
        Assert.Equal(HttpStatusCode.OK, (await Api.Http.PostAsync($"/tasks/{id}/complete", null)).StatusCode);
        await Eventually.WaitUntilAsync(async () => (await Api.OutboxAsync()).Pending == 0, TimeSpan.FromSeconds(20), "publishing the outbox");

        var events = Topics.ReadTaskEvents(Api.EmbeddedBootstrapServers(), 2).Where(e => e.Key == id).ToList();
        Assert.Equal(["task.created", "task.completed"], events.Select(static e => e.EventType));
        Assert.All(events, e =>
        {
            Assert.Equal(id, e.TaskId);
            Assert.Equal(e.EventId, e.EventIdHeader);
            Assert.Equal("Announce the release", e.Title);
        });
        Assert.Equal(
            ["event_type", "event_id", "task_id", "title", "created_at"],
            events[0].Value.EnumerateObject().Select(static p => p.Name));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", events[0].Value.GetProperty("created_at").GetString());
        Assert.True(events[1].Value.TryGetProperty("completed_at", out _));
        Assert.Single(events.Select(static e => e.Partition).Distinct());

        await Eventually.WaitUntilAsync(async () => (await Api.NotificationTaskIdsAsync()).Contains(id), TimeSpan.FromSeconds(20), "the notification");
        await Eventually.WaitUntilAsync(() => ConsumerGroups.HasCommittedToEnd(Api.EmbeddedBootstrapServers(), ConsumerGroups.Notifications), TimeSpan.FromSeconds(30), "the notification consumer committing every task event");
        Assert.Single(await Api.NotificationTaskIdsAsync(), n => n == id);
    }

    [Fact]
    public async Task Analytics_events_and_request_samples_reach_their_topics()
    {
        var id = await Api.CreateTaskAsync("Count me");
        await Api.GetJsonAsync($"/tasks/{id}");
        var servers = Api.EmbeddedBootstrapServers();

        await Eventually.WaitUntilAsync(() => Task.FromResult(Topics.ReadAll(servers, "task-analytics", 2).Any(r => r.Key == id && r.Value.Contains("task.viewed", StringComparison.Ordinal))), TimeSpan.FromSeconds(20), "the task.viewed analytics event");
        var analytics = Topics.ReadAll(servers, "task-analytics", 2).Where(r => r.Key == id).Select(static r => JsonDocument.Parse(r.Value).RootElement.GetProperty("event_type").GetString()).ToList();
        Assert.Contains("task.created", analytics);
        var samples = Topics.ReadAll(servers, "task-metrics", 1).Select(static r => JsonDocument.Parse(r.Value).RootElement).ToList();
        Assert.Contains(samples, static s => s.GetProperty("route").GetString() == "/tasks/" && s.GetProperty("status").GetInt32() == 201);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_endpoints()
    {
        var document = await Api.GetJsonAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        Assert.True(paths.TryGetProperty("/tasks", out var tasks));
        Assert.True(tasks.TryGetProperty("post", out _));
        Assert.True(tasks.TryGetProperty("get", out _));
        Assert.True(paths.TryGetProperty("/tasks/{id}", out _));
        Assert.True(paths.TryGetProperty("/tasks/{id}/complete", out _));
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_format_with_the_library_and_aspnetcore_instruments()
    {
        await Api.CreateTaskAsync("Measure me");
        await Eventually.WaitUntilAsync(async () => (await Api.Http.GetStringAsync("/metrics")).Contains("reliablekafka_outbox_sent", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the outbox counter");
        var text = await Api.Http.GetStringAsync("/metrics");

        Assert.Contains("reliablekafka_messages_delivered_total{", text);
        Assert.Contains("reliablekafka_delivery_duration_milliseconds_bucket{", text);
        Assert.Contains("http_server_request_duration_seconds_bucket{", text);
        Assert.Contains("taskapi_tasks_created_total{", text);
        Assert.Contains("taskapi_outbox_pending{", text);
        Assert.Contains("taskapi_outbox_dead{", text);
        Assert.Contains("taskapi_outbox_waiting{", text);
    }

    [Fact]
    public async Task Health_reports_database_kafka_and_the_outbox_backlog()
    {
        using var response = await Api.Http.GetAsync("/health");
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var checks = health.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("kafka").GetProperty("status").GetString());
        var outbox = checks.GetProperty("outbox").GetProperty("data");
        Assert.True(outbox.TryGetProperty("pending", out _));
        Assert.True(outbox.TryGetProperty("oldestPendingAgeSeconds", out _));
        Assert.True(outbox.TryGetProperty("dead", out _));
        Assert.True(outbox.TryGetProperty("waiting", out _));
    }

    private async Task<int> CountTasksAsync()
    {
        var count = 0;
        string? after = null;
        do
        {
            var page = await Api.GetJsonAsync($"/tasks?limit=100{(after is null ? "" : $"&after={after}")}");
            count += page.GetProperty("items").GetArrayLength();
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);
        return count;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostRawAsync(string json)
    {
        using var response = await Api.Http.PostAsync("/tasks", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetRawAsync(string path)
    {
        using var response = await Api.Http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}
