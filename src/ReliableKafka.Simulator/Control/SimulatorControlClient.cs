using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Control;

/// <summary>
/// One answer of the control API: the typed <see cref="Value"/> on success, the <see cref="Problem"/> when it refused,
/// and the body as it came (<see cref="Json"/>), for callers that pass it on.
/// </summary>
/// <typeparam name="T">The answer's type on success.</typeparam>
/// <param name="Status">The HTTP status.</param>
/// <param name="Json">The body, as sent.</param>
/// <param name="Value">The answer, on success.</param>
/// <param name="Problem">Why it refused, otherwise.</param>
public sealed record ControlAnswer<T>(HttpStatusCode Status, string Json, T? Value, ControlProblem? Problem)
{
    /// <summary>True when the API did what was asked.</summary>
    public bool IsSuccess => Problem is null;
}

/// <summary>
/// A client of a cluster's control API (<see cref="ControlApi"/>), for <c>rk fault</c>, scripts and tests: the same
/// typed faults and answers as the server, in the same JSON contract.
/// </summary>
/// <param name="http">The HTTP client, its <see cref="HttpClient.BaseAddress"/> the control API ending with a slash (such as http://127.0.0.1:19090/); not disposed here.</param>
public sealed class SimulatorControlClient(HttpClient http)
{
    private static readonly ControlJson Json = ControlJson.Readable;

    /// <summary>GET /cluster: brokers and partitions.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="HttpRequestException">Nothing answered at the address.</exception>
    /// <exception cref="InvalidDataException">Something answered that is not the control API.</exception>
    public Task<ControlAnswer<ClusterView>> GetClusterAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "/cluster", null, Json.ClusterView, cancellationToken);

    /// <summary>GET /events: the ground truth, filtered.</summary>
    /// <param name="query">The filter; null for every event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    public Task<ControlAnswer<IReadOnlyList<TruthEvent>>> GetEventsAsync(EventQuery? query = null, CancellationToken cancellationToken = default)
    {
        var path = new StringBuilder("/events");
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                path.Append(path.Length == "/events".Length ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        Add("kind", query?.Kind);
        Add("topic", query?.Topic);
        Add("partition", query?.Partition?.ToString(CultureInfo.InvariantCulture));
        Add("broker", query?.Broker?.ToString(CultureInfo.InvariantCulture));
        Add("since", query?.Since?.ToString(CultureInfo.InvariantCulture));
        return SendAsync(HttpMethod.Get, path.ToString(), null, Json.IReadOnlyListTruthEvent, cancellationToken);
    }

    /// <summary>GET /faults: the faults in force.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    public Task<ControlAnswer<IReadOnlyList<FaultView>>> GetFaultsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "/faults", null, Json.IReadOnlyListFaultView, cancellationToken);

    /// <summary>POST /faults: applies a fault.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer: the fault's handle.</returns>
    public Task<ControlAnswer<FaultView>> ApplyAsync(Fault fault, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "/faults", JsonSerializer.Serialize(fault, Json.Fault), Json.FaultView, cancellationToken);

    /// <summary>POST /brokers/{id}/crash, /restart or /shutdown, as the fault says.</summary>
    /// <param name="action">A <see cref="CrashBroker"/>, <see cref="RestartBroker"/> or <see cref="ShutdownBroker"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer: the broker's state.</returns>
    /// <exception cref="ArgumentException">Another kind of fault.</exception>
    public Task<ControlAnswer<BrokerStateView>> BrokerActionAsync(Fault action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (action is not (CrashBroker or RestartBroker or ShutdownBroker))
        {
            throw new ArgumentException($"A broker action is a crash, restart or shutdown, not {action.Kind}.", nameof(action));
        }

        return SendAsync(HttpMethod.Post, $"/brokers/{action.Broker}/{action.Kind}", null, Json.BrokerStateView, cancellationToken);
    }

    /// <summary>POST /brokers/{id}/resume: ends the broker's pause faults.</summary>
    /// <param name="broker">The broker.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer: the ended pauses.</returns>
    public Task<ControlAnswer<ResumeView>> ResumeAsync(int broker, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"/brokers/{broker}/resume", null, Json.ResumeView, cancellationToken);

    /// <summary>POST /partitions/{topic}/{partition}/leader: moves a partition's leadership.</summary>
    /// <param name="move">The move.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer: the new leader.</returns>
    public Task<ControlAnswer<LeaderView>> MoveLeaderAsync(MoveLeader move, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(move);
        return SendAsync(HttpMethod.Post, $"/partitions/{Uri.EscapeDataString(move.Topic)}/{move.Partition}/leader",
            JsonSerializer.Serialize(new LeaderRequest(move.Broker), Json.LeaderRequest), Json.LeaderView, cancellationToken);
    }

    /// <summary>DELETE /faults: ends every fault.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer: how many were in force.</returns>
    public Task<ControlAnswer<ClearedView>> ClearFaultsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "/faults", null, Json.ClearedView, cancellationToken);

    /// <summary>DELETE /faults/{id}: ends one fault.</summary>
    /// <param name="id">The fault's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    public Task<ControlAnswer<RemovedView>> RemoveFaultAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"/faults/{Uri.EscapeDataString(id)}", null, Json.RemovedView, cancellationToken);

    private async Task<ControlAnswer<T>> SendAsync<T>(HttpMethod method, string path, string? body, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.IsSuccessStatusCode)
            {
                return new ControlAnswer<T>(response.StatusCode, text, JsonSerializer.Deserialize(text, answer), null);
            }

            if (JsonSerializer.Deserialize(text, Json.ControlProblem) is { } problem && (problem.Detail ?? problem.Error) is not null)
            {
                return new ControlAnswer<T>(response.StatusCode, text, default, problem);
            }
        }
        catch (JsonException)
        {
            // Not the control API's JSON: reported below.
        }

        throw new InvalidDataException($"{method} {new Uri(http.BaseAddress!, path)} answered {(int)response.StatusCode} without the control API's JSON");
    }
}
