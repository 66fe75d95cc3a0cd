using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Faults;

namespace ReliableKafka.Cli.Commands;

/// <summary>The JSON control API of <c>rk cluster</c>: read the cluster and its ground truth, crash, stop and restart brokers, move leaders, apply faults.</summary>
internal static class ControlApi
{
    // Messages are read by people and scripts, not embedded in HTML: keep quotes and apostrophes as they are.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Starts the API; null when the port cannot be bound.</summary>
    public static async Task<WebApplication?> StartAsync(SimulatedCluster cluster, string host, int port, CancellationToken token)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Parse(host), port));
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        var app = builder.Build();
        Map(app, cluster);
        try
        {
            await app.StartAsync(token).ConfigureAwait(false);
            return app;
        }
        catch (IOException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    private static void Map(WebApplication app, SimulatedCluster cluster)
    {
        app.MapGet("/cluster", () => Results.Json(Describe(cluster), Json));
        app.MapPost("/brokers/{id:int}/crash", (int id) => BrokerAction(cluster, id, () => cluster.CrashBroker(id), "down"));
        app.MapPost("/brokers/{id:int}/restart", (int id) => BrokerAction(cluster, id, () => cluster.RestartBroker(id), "up"));
        app.MapPost("/partitions/{topic}/{partition:int}/leader", async (string topic, int partition, HttpRequest request) =>
        {
            var body = await ReadJsonAsync(request).ConfigureAwait(false);
            if (body is null || !body.Value.TryGetProperty("broker", out var broker) || !broker.TryGetInt32(out var brokerId))
            {
                return Results.Json(new { error = "Send {\"broker\": <id>}." }, Json, statusCode: 400);
            }

            try
            {
                cluster.MoveLeader(topic, partition, brokerId);
                return Results.Json(new { topic, partition, leader = brokerId }, Json);
            }
            catch (InvalidOperationException e)
            {
                return Results.Json(new { error = e.Message }, Json, statusCode: 409);
            }
        });
        app.MapPost("/brokers/{id:int}/shutdown", (int id) => BrokerAction(cluster, id, () => cluster.ShutdownBroker(id), "down"));
        app.MapPost("/brokers/{id:int}/resume", (int id) => Resume(cluster, id));
        app.MapGet("/events", (string? kind, string? topic, int? partition, int? broker, long? since) => Events(cluster, kind, topic, partition, broker, since));
        app.MapGet("/faults", () => Results.Json(cluster.ActiveFaults.Select(Describe), Json));
        app.MapPost("/faults", async (HttpRequest request) =>
        {
            var body = await ReadJsonAsync(request).ConfigureAwait(false);
            if (body is not { ValueKind: JsonValueKind.Object } json)
            {
                return Results.Json(new { error = "Send a JSON object such as {\"kind\":\"delay\",\"broker\":1,\"ms\":200}. Kinds: " + string.Join(", ", FaultRequest.Kinds) + "." }, Json, statusCode: 400);
            }

            try
            {
                var fault = FaultRequest.Apply(cluster, json);
                return Results.Json(Describe(fault), Json, statusCode: 201);
            }
            catch (FaultRequestException e)
            {
                return Results.Json(new { error = e.Message }, Json, statusCode: 400);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                return Results.Json(new { error = e.Message }, Json, statusCode: 400);
            }
        });
        app.MapDelete("/faults", () => Results.Json(new { cleared = cluster.ClearFaults() }, Json));
        app.MapDelete("/faults/{id}", (string id) =>
        {
            var fault = cluster.ActiveFaults.FirstOrDefault(f => f.Id == id);
            if (fault is null)
            {
                return Results.Json(new { error = $"No fault {id} is in force; GET /faults lists them (counted faults end by themselves when used up)." }, Json, statusCode: 404);
            }

            fault.Remove();
            return Results.Json(new { removed = id }, Json);
        });
    }

    private static object Describe(FaultHandle fault) =>
        new { id = fault.Id, kind = fault.Kind, broker = fault.Broker, description = fault.Description, remaining = fault.Remaining };

    private static IResult Events(SimulatedCluster cluster, string? kind, string? topic, int? partition, int? broker, long? since)
    {
        TruthEventKind? wanted = null;
        if (kind is not null)
        {
            if (!Enum.TryParse<TruthEventKind>(kind.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Results.Json(new { error = $"Unknown event kind '{kind}'; use one of {string.Join(", ", Enum.GetNames<TruthEventKind>())}." }, Json, statusCode: 400);
            }

            wanted = parsed;
        }

        var events = cluster.Truth.Events.Where(e =>
            (wanted is null || e.Kind == wanted)
            && (topic is null || e.Topic == topic)
            && (partition is null || e.Partition == partition)
            && (broker is null || e.Broker == broker)
            && (since is null || e.Sequence > since));
        return Results.Json(events, Json);
    }

    /// <summary>Ends the broker's pause faults (none is fine: the answer lists what was ended).</summary>
    private static IResult Resume(SimulatedCluster cluster, int id)
    {
        if (!cluster.BrokerIds.Contains(id))
        {
            return Results.Json(new { error = $"No broker {id}; brokers are {string.Join(", ", cluster.BrokerIds)}." }, Json, statusCode: 404);
        }

        var pauses = cluster.FaultsOf(id).Active.Where(static f => f.Kind == "pause").ToList();
        foreach (var pause in pauses)
        {
            pause.Remove();
        }

        return Results.Json(new { id, resumed = pauses.Select(static f => f.Id) }, Json);
    }

    private static IResult BrokerAction(SimulatedCluster cluster, int id, Action action, string state)
    {
        if (!cluster.BrokerIds.Contains(id))
        {
            return Results.Json(new { error = $"No broker {id}; brokers are {string.Join(", ", cluster.BrokerIds)}." }, Json, statusCode: 404);
        }

        action();
        return Results.Json(new { id, state }, Json);
    }

    private static async Task<JsonElement?> ReadJsonAsync(HttpRequest request)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static object Describe(SimulatedCluster cluster)
    {
        var snapshot = cluster.Describe();
        return new
        {
            brokers = snapshot.Brokers.Select(static b => new { id = b.Id, host = b.Host, port = b.Port, state = b.State }),
            topics = snapshot.Topics.Select(static t => new
            {
                name = t.Name,
                config = new { replicationFactor = t.Settings.ReplicationFactor, minInsyncReplicas = t.Settings.MinInSyncReplicas, uncleanLeaderElection = t.Settings.UncleanLeaderElection, maxMessageBytes = t.Settings.MaxMessageBytes },
                partitions = t.Partitions.Select(static p => new
                {
                    partition = p.Partition,
                    leader = p.Leader,
                    leaderEpoch = p.LeaderEpoch,
                    replicas = p.Replicas,
                    isr = p.Isr,
                    highWatermark = p.HighWatermark,
                    logEndOffset = p.Leader >= 0 ? p.LogEndOffsets[p.Leader] : -1,
                    logEndOffsets = p.LogEndOffsets.ToDictionary(static e => e.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), static e => e.Value),
                }),
            }),
        };
    }
}
