using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TaskApi.Tests.Infrastructure;

/// <summary>The real TaskApi.dll as a child process on a free port, talked to over HTTP.</summary>
internal sealed partial class TaskApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TaskApiProcess(Process process, int port, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public string DataDirectory { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the API with the test's environment: its own data directory, fast outbox retries and a short Critical
    /// delivery timeout (so an outage lasts longer than it within seconds), plus <paramref name="environment"/>.
    /// </summary>
    public static async Task<TaskApiProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment = null, bool waitUntilListening = true)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TaskApi.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        var defaults = new Dictionary<string, string>
        {
            ["TaskApi__DataDirectory"] = dataDirectory,
            ["Outbox__PollInterval"] = "00:00:00.050",
            ["Outbox__RetryBackoff"] = "00:00:00.200",
            ["Outbox__MaxRetryBackoff"] = "00:00:01",
            ["Kafka__Profiles__Critical__delivery.timeout.ms"] = "4000",
            ["Kafka__Profiles__Critical__request.timeout.ms"] = "2000",
            ["Kafka__ShutdownTimeout"] = "00:00:02",

            // A killed instance's consumer-group membership ends after 6 s instead of 45 s.
            ["TaskApi__Notifications__ConsumerSettings__session.timeout.ms"] = "6000",
            ["TaskApi__Notifications__ConsumerSettings__heartbeat.interval.ms"] = "1000",

            // Tests wait for the group's committed offsets to reach the end of the topic; commit them every 200 ms.
            ["TaskApi__Notifications__ConsumerSettings__auto.commit.interval.ms"] = "200",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            defaults[name] = value;
        }

        foreach (var (name, value) in defaults)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start TaskApi");
        var api = new TaskApiProcess(process, port, dataDirectory);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitUntilListening)
        {
            try
            {
                await api._listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                var output = api.Output;
                await api.DisposeAsync();
                throw new InvalidOperationException("TaskApi did not start listening:\n" + output, e);
            }
        }

        return api;
    }

    /// <summary>The bootstrap.servers the API logged for its embedded cluster.</summary>
    public string EmbeddedBootstrapServers() =>
        BootstrapLine().Match(Output) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("no bootstrap.servers line in:\n" + Output);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        using (var kill = Process.Start("kill", ["-KILL", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>POST /tasks; returns the status and the body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> CreateAsync(object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/tasks") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await ReadJsonAsync(response));
    }

    /// <summary>Creates a task that must succeed; returns its id.</summary>
    public async Task<string> CreateTaskAsync(string title)
    {
        var (status, body) = await CreateAsync(new { title });
        Assert.True(status == HttpStatusCode.Created, $"POST /tasks answered {(int)status}: {body}");
        return body.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return await ReadJsonAsync(response);
    }

    /// <summary>The outbox part of /health: pending, oldest age, dead.</summary>
    public async Task<(long Pending, double OldestAgeSeconds, long Dead, string KafkaStatus)> OutboxAsync()
    {
        var health = await GetJsonAsync("/health");
        var outbox = health.GetProperty("checks").GetProperty("outbox").GetProperty("data");
        return (outbox.GetProperty("pending").GetInt64(), outbox.GetProperty("oldestPendingAgeSeconds").GetDouble(), outbox.GetProperty("dead").GetInt64(),
            health.GetProperty("checks").GetProperty("kafka").GetProperty("status").GetString()!);
    }

    /// <summary>Every notification the consumer sent: task id per notification.</summary>
    public async Task<List<string>> NotificationTaskIdsAsync()
    {
        var list = await GetJsonAsync("/notifications?limit=1000");
        return list.GetProperty("items").EnumerateArray().Select(static n => n.GetProperty("taskId").GetString()!).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _listening.TrySetException(new InvalidOperationException("TaskApi exited"));
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Now listening on:", StringComparison.Ordinal))
        {
            _listening.TrySetResult();
        }
    }

    [GeneratedRegex(@"bootstrap\.servers=([0-9.:,]+)")]
    private static partial Regex BootstrapLine();
}
