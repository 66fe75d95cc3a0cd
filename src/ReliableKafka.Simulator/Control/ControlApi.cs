using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Faults;

namespace ReliableKafka.Simulator.Control;

/// <summary>
/// The JSON control API of a <see cref="SimulatedCluster"/>: read the cluster and its ground truth, crash, stop and
/// restart brokers, move leaders, apply and end faults. Hosts map it (<c>rk cluster</c>, the Task API's embedded
/// cluster, tests); <see cref="SimulatorControlClient"/> calls it. Refusals are problem details whose <c>detail</c>
/// (and <c>error</c>, as older clients read it) says what was wrong and what to send.
/// </summary>
public static class ControlApi
{
    private static readonly ControlJson Json = ControlJson.Readable;

    /// <summary>The web console: one page, no dependencies, embedded in the assembly; it reads and drives this API.</summary>
    private static readonly Lazy<string> ConsolePage = new(static () =>
    {
        using var stream = typeof(ControlApi).Assembly.GetManifestResourceStream("ReliableKafka.Simulator.Console.html")
            ?? throw new InvalidOperationException("The console page is missing from the assembly.");
        using var reader = new StreamReader(stream);

        // The fault kinds come from their one definition.
        return reader.ReadToEnd()
            .Replace("__KIND_PAUSE__", FaultKinds.Pause, StringComparison.Ordinal)
            .Replace("__KIND_DROP_ACKS__", FaultKinds.DropProduceResponses, StringComparison.Ordinal)
            .Replace("__KIND_DELAY__", FaultKinds.Delay, StringComparison.Ordinal)
            .Replace("__KIND_CUT__", FaultKinds.NetworkCut, StringComparison.Ordinal)
            .Replace("__KIND_FOLLOWER_LAG__", FaultKinds.FollowerLag, StringComparison.Ordinal);
    });

    /// <summary>Maps the control API's routes: GET /console (the web console), /cluster, /events, /faults; POST /faults, /brokers/{id}/crash|restart|shutdown|resume, /partitions/{topic}/{partition}/leader; DELETE /faults, /faults/{id}.</summary>
    /// <param name="endpoints">Where to map them.</param>
    /// <param name="cluster">The cluster they control.</param>
    /// <returns>The group of routes, for conventions such as authorization.</returns>
    public static RouteGroupBuilder MapSimulatorControlApi(this IEndpointRouteBuilder endpoints, SimulatedCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(cluster);
        var group = endpoints.MapGroup("");
        group.MapGet("/cluster", () => TypedResults.Json(Describe(cluster), Json.ClusterView));
        group.MapGet("/events", (string? kind, string? topic, int? partition, int? broker, long? since) => Events(cluster, new EventQuery(kind, topic, partition, broker, since)));
        group.MapGet("/faults", () => TypedResults.Json<IReadOnlyList<FaultView>>([.. cluster.ActiveFaults.Select(View)], Json.IReadOnlyListFaultView));
        group.MapPost("/faults", (HttpRequest request) => AddFaultAsync(cluster, request));
        group.MapDelete("/faults", () => TypedResults.Json(new ClearedView(cluster.ClearFaults()), Json.ClearedView));
        group.MapDelete("/faults/{id}", (string id) => RemoveFault(cluster, id));
        group.MapPost("/brokers/{id:int}/crash", (int id) => BrokerAction(cluster, new CrashBroker(id), "down"));
        group.MapPost("/brokers/{id:int}/restart", (int id) => BrokerAction(cluster, new RestartBroker(id), "up"));
        group.MapPost("/brokers/{id:int}/shutdown", (int id) => BrokerAction(cluster, new ShutdownBroker(id), "down"));
        group.MapPost("/brokers/{id:int}/resume", (int id) => Resume(cluster, id));
        group.MapPost("/partitions/{topic}/{partition:int}/leader", (string topic, int partition, HttpRequest request) => MoveLeaderAsync(cluster, topic, partition, request));
        group.MapGet("/console", static () => TypedResults.Text(ConsolePage.Value, "text/html; charset=utf-8"));
        return group;
    }

    /// <summary>
    /// Maps <c>GET /service</c> beside the control API's routes: the panel the web console draws for the service that
    /// hosts the cluster (its deliveries, latency, outbox and blocked keys), read by <paramref name="read"/> at each request.
    /// </summary>
    /// <param name="endpoints">Where the control API is mapped.</param>
    /// <param name="read">Reads the panel.</param>
    /// <returns>The route, for conventions.</returns>
    public static RouteHandlerBuilder MapServicePanel(this IEndpointRouteBuilder endpoints, Func<CancellationToken, Task<ServicePanel>> read)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(read);
        return endpoints.MapGet("/service", async (CancellationToken token) => TypedResults.Json(await read(token).ConfigureAwait(false), Json.ServicePanel));
    }

    /// <summary>A fault handle as the API shows it.</summary>
    internal static FaultView View(FaultHandle fault) => new(fault.Id, fault.Kind, fault.Broker, fault.Description, fault.Remaining);

    private static async Task<Results<JsonHttpResult<FaultView>, ProblemHttpResult>> AddFaultAsync(SimulatedCluster cluster, HttpRequest request)
    {
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        var kinds = string.Join(", ", FaultKinds.All.Select(static k => k.Kind));
        Fault? fault;
        try
        {
            fault = JsonSerializer.Deserialize(body, Json.Fault);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            // NotSupportedException: a body without "kind" asks for the abstract Fault itself.
            return Problem(StatusCodes.Status400BadRequest, WhyNot(body, e as JsonException, kinds));
        }

        if (fault is null)
        {
            return Problem(StatusCodes.Status400BadRequest, $"Send a JSON object such as {{\"kind\":\"delay\",\"broker\":1,\"ms\":200}}. Kinds: {kinds}.");
        }

        try
        {
            return TypedResults.Json(View(cluster.Apply(fault)), Json.FaultView, statusCode: StatusCodes.Status201Created);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return Problem(StatusCodes.Status400BadRequest, $"{e.Message} Send {FaultKinds.ExampleOf(fault.Kind)}.");
        }
    }

    /// <summary>Why a POST /faults body could not be read: the kind is missing or unknown, or a field is missing or malformed.</summary>
    private static string WhyNot(byte[] body, JsonException? error, string kinds)
    {
        string? kind = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return $"Send a JSON object such as {{\"kind\":\"delay\",\"broker\":1,\"ms\":200}}. Kinds: {kinds}.";
            }

            kind = document.RootElement.TryGetProperty("kind", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return $"Send a JSON object such as {{\"kind\":\"delay\",\"broker\":1,\"ms\":200}}. Kinds: {kinds}.";
        }

        if (kind is null)
        {
            return $"Give a \"kind\": one of {kinds}.";
        }

        if (FaultKinds.ExampleOf(kind) is not { } example)
        {
            return $"Unknown fault kind '{kind}'; use one of {kinds}. Crash, restart and clean shutdown are also POST /brokers/{{id}}/crash|restart|shutdown; leader moves POST /partitions/{{topic}}/{{partition}}/leader.";
        }

        return $"Fault '{kind}': {WhatIsWrong(kind, body, error)}. Send {example}.";
    }

    /// <summary>The missing fields, or the field whose value cannot be read, of a body of a known kind.</summary>
    private static string WhatIsWrong(string kind, byte[] body, JsonException? error)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var type = Json.Fault.PolymorphismOptions!.DerivedTypes.First(d => kind.Equals(d.TypeDiscriminator as string, StringComparison.Ordinal)).DerivedType;
        var missing = Json.GetTypeInfo(type)!.Properties
            .Where(p => p.AssociatedParameter is { HasDefaultValue: false } && Nullable.GetUnderlyingType(p.PropertyType) is null && !root.EnumerateObject().Any(j => j.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase)))
            .Select(static p => $"\"{p.Name}\"")
            .ToList();
        if (missing.Count > 0)
        {
            return $"{string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} missing";
        }

        var field = error?.Path is { Length: > 2 } path ? path[2..] : null;
        if (field is null || error is null)
        {
            return "the body cannot be read";
        }

        // The contract's own converters say what they accept; the serializer's messages are for programmers.
        var value = root.EnumerateObject().FirstOrDefault(j => j.Name.Equals(field, StringComparison.OrdinalIgnoreCase)).Value;
        return error.Message.Contains(" Path: ", StringComparison.Ordinal)
            ? $"\"{field}\" cannot be {(value.ValueKind == JsonValueKind.Undefined ? "read" : value.GetRawText())}"
            : error.Message.TrimEnd('.');
    }

    private static Results<JsonHttpResult<IReadOnlyList<TruthEvent>>, ProblemHttpResult> Events(SimulatedCluster cluster, EventQuery query)
    {
        TruthEventKind? wanted = null;
        if (query.Kind is { } kind)
        {
            if (!Enum.TryParse<TruthEventKind>(kind.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || char.IsAsciiDigit(kind.TrimStart('-').FirstOrDefault()))
            {
                return Problem(StatusCodes.Status400BadRequest, $"Unknown event kind '{kind}'; use one of {string.Join(", ", Enum.GetNames<TruthEventKind>())}.");
            }

            wanted = parsed;
        }

        IReadOnlyList<TruthEvent> events = [.. cluster.Truth.Events.Where(e =>
            (wanted is null || e.Kind == wanted)
            && (query.Topic is null || e.Topic == query.Topic)
            && (query.Partition is null || e.Partition == query.Partition)
            && (query.Broker is null || e.Broker == query.Broker)
            && (query.Since is null || e.Sequence > query.Since))];
        return TypedResults.Json(events, Json.IReadOnlyListTruthEvent);
    }

    private static Results<JsonHttpResult<RemovedView>, ProblemHttpResult> RemoveFault(SimulatedCluster cluster, string id)
    {
        var fault = cluster.ActiveFaults.FirstOrDefault(f => f.Id == id);
        if (fault is null)
        {
            return Problem(StatusCodes.Status404NotFound, $"No fault {id} is in force; GET /faults lists them (counted faults end by themselves when used up).");
        }

        fault.Remove();
        return TypedResults.Json(new RemovedView(id), Json.RemovedView);
    }

    private static Results<JsonHttpResult<BrokerStateView>, ProblemHttpResult> BrokerAction(SimulatedCluster cluster, Fault action, string state)
    {
        if (NoSuchBroker(cluster, action.Broker) is { } missing)
        {
            return missing;
        }

        cluster.Apply(action);
        return TypedResults.Json(new BrokerStateView(action.Broker, state), Json.BrokerStateView);
    }

    /// <summary>Ends the broker's pause faults (none is fine: the answer lists what was ended).</summary>
    private static Results<JsonHttpResult<ResumeView>, ProblemHttpResult> Resume(SimulatedCluster cluster, int id)
    {
        if (NoSuchBroker(cluster, id) is { } missing)
        {
            return missing;
        }

        var pauses = cluster.FaultsOf(id).Active.Where(static f => f.Kind == FaultKinds.Pause).ToList();
        foreach (var pause in pauses)
        {
            pause.Remove();
        }

        return TypedResults.Json(new ResumeView(id, [.. pauses.Select(static f => f.Id)]), Json.ResumeView);
    }

    private static async Task<Results<JsonHttpResult<LeaderView>, ProblemHttpResult>> MoveLeaderAsync(SimulatedCluster cluster, string topic, int partition, HttpRequest request)
    {
        LeaderRequest? body;
        try
        {
            body = JsonSerializer.Deserialize(await ReadBodyAsync(request).ConfigureAwait(false), Json.LeaderRequest);
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body?.Broker is not { } broker)
        {
            return Problem(StatusCodes.Status400BadRequest, "Send {\"broker\": <id>}.");
        }

        try
        {
            cluster.Apply(new MoveLeader(broker, topic, partition));
            return TypedResults.Json(new LeaderView(topic, partition, broker), Json.LeaderView);
        }
        catch (InvalidOperationException e)
        {
            return Problem(StatusCodes.Status409Conflict, e.Message);
        }
    }

    private static ProblemHttpResult? NoSuchBroker(SimulatedCluster cluster, int id) =>
        cluster.BrokerIds.Contains(id) ? null : Problem(StatusCodes.Status404NotFound, $"No broker {id}; brokers are {string.Join(", ", cluster.BrokerIds)}.");

    private static ProblemHttpResult Problem(int status, string message) =>
        TypedResults.Problem(detail: message, statusCode: status, extensions: new Dictionary<string, object?> { ["error"] = message });

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static ClusterView Describe(SimulatedCluster cluster)
    {
        var snapshot = cluster.Describe();
        return new ClusterView(
            [.. snapshot.Brokers.Select(static b => new BrokerView(b.Id, b.Host, b.Port, b.State))],
            [.. snapshot.Topics.Select(static t => new TopicView(
                t.Name,
                new TopicConfigView(t.Settings.ReplicationFactor, t.Settings.MinInSyncReplicas, t.Settings.UncleanLeaderElection, t.Settings.MaxMessageBytes),
                [.. t.Partitions.Select(static p => new PartitionView(
                    p.Partition, p.Leader, p.LeaderEpoch, p.Replicas, p.Isr, p.HighWatermark,
                    p.Leader >= 0 ? p.LogEndOffsets[p.Leader] : -1,
                    p.LogEndOffsets.ToDictionary(static e => e.Key.ToString(CultureInfo.InvariantCulture), static e => e.Value)))]))]);
    }
}
