using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Cli.Commands;

/// <summary>The JSON control API of <c>rk cluster</c>: read the cluster, crash and restart brokers, move leaders.</summary>
internal static class ControlApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
        app.MapGet("/truth", (string? topic, int? partition) =>
            Results.Json(topic is null ? cluster.Truth.Events : cluster.Truth.For(topic, partition ?? 0), Json));
        app.MapPost("/faults", async (HttpRequest request) =>
        {
            var body = await ReadJsonAsync(request).ConfigureAwait(false);
            var kind = body is { } b && b.TryGetProperty("kind", out var k) ? k.GetString() : null;
            if (kind == "drop-produce-responses")
            {
                if (!body!.Value.TryGetProperty("broker", out var broker) || !broker.TryGetInt32(out var brokerId) || !cluster.BrokerIds.Contains(brokerId)
                    || !body.Value.TryGetProperty("count", out var count) || !count.TryGetInt32(out var responses) || responses < 1)
                {
                    return Results.Json(new { error = $"Send {{\"kind\":\"drop-produce-responses\",\"broker\":<one of {string.Join(", ", cluster.BrokerIds)}>,\"count\":<1 or more>}}." }, Json, statusCode: 400);
                }

                cluster.FaultsOf(brokerId).DropProduceResponses(responses);
                return Results.Json(new { id = $"drop-produce-responses-{brokerId}", kind, broker = brokerId, count = responses }, Json, statusCode: 201);
            }

            return Results.Json(new { error = $"Fault kind '{kind}' is not available yet; drop-produce-responses, crash, restart and leader moves are (POST /brokers/{{id}}/crash|restart, POST /partitions/{{topic}}/{{partition}}/leader)." }, Json, statusCode: 501);
        });
        app.MapDelete("/faults", () =>
        {
            var cleared = cluster.BrokerIds.Count(id => cluster.FaultsOf(id).PendingDroppedResponses > 0);
            foreach (var id in cluster.BrokerIds)
            {
                cluster.FaultsOf(id).Clear();
            }

            return Results.Json(new { cleared }, Json);
        });
        app.MapDelete("/faults/{id}", (string id) => Results.Json(new { error = $"No fault {id}." }, Json, statusCode: 404));
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
