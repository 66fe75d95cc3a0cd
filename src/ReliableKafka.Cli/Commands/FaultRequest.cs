using System.Text.Json;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Faults;

namespace ReliableKafka.Cli.Commands;

/// <summary>A bad POST /faults body; the message says which field and what to send.</summary>
internal sealed class FaultRequestException(string message) : Exception(message);

/// <summary>Turns a POST /faults body into a fault on the cluster.</summary>
internal static class FaultRequest
{
    /// <summary>The kinds POST /faults accepts, with their JSON bodies.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["drop-produce-responses", "delay", "error", "pause", "network-cut", "follower-lag"];

    private static readonly Dictionary<string, string> Shapes = new(StringComparer.Ordinal)
    {
        ["drop-produce-responses"] = """{"kind":"drop-produce-responses","broker":1,"count":5}""",
        ["delay"] = """{"kind":"delay","broker":1,"ms":200,"api":"Produce"} (api optional)""",
        ["error"] = """{"kind":"error","broker":1,"api":"Produce","code":19,"count":3,"topic":"t","partition":0} (code or "error":"NOT_ENOUGH_REPLICAS"; topic and partition optional)""",
        ["pause"] = """{"kind":"pause","broker":2}""",
        ["network-cut"] = """{"kind":"network-cut","broker":2,"clientId":"my-producer","mode":"blackhole"} (clientId optional: every client; mode blackhole or reset)""",
        ["follower-lag"] = """{"kind":"follower-lag","topic":"t","partition":0,"broker":3,"stop":true} (or "ms":500 for a slow follower)""",
    };

    public static FaultHandle Apply(SimulatedCluster cluster, JsonElement body)
    {
        var kind = String(body, "kind") ?? throw new FaultRequestException($"Give a \"kind\": one of {string.Join(", ", Kinds)}.");
        if (!Shapes.TryGetValue(kind, out var shape))
        {
            throw new FaultRequestException($"Unknown fault kind '{kind}'; use one of {string.Join(", ", Kinds)}. Crash, restart and clean shutdown are POST /brokers/{{id}}/crash|restart|shutdown; leader moves POST /partitions/{{topic}}/{{partition}}/leader.");
        }

        var broker = Int(body, "broker") ?? throw Bad(kind, shape, "\"broker\" (a broker id) is missing");
        if (!cluster.BrokerIds.Contains(broker))
        {
            throw Bad(kind, shape, $"there is no broker {broker}; brokers are {string.Join(", ", cluster.BrokerIds)}");
        }

        var faults = cluster.FaultsOf(broker);
        return kind switch
        {
            "drop-produce-responses" => faults.DropProduceResponses(Positive(body, "count", kind, shape) ?? 1),
            "delay" => faults.Delay(TimeSpan.FromMilliseconds(NonNegative(body, "ms", kind, shape) ?? throw Bad(kind, shape, "\"ms\" is missing")), String(body, "api")),
            "error" => faults.InjectError(
                String(body, "api") ?? "Produce",
                String(body, "error") ?? Int(body, "code")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? throw Bad(kind, shape, "give \"code\" (such as 19) or \"error\" (such as NOT_ENOUGH_REPLICAS)"),
                Positive(body, "count", kind, shape) ?? 1,
                String(body, "topic"),
                Int(body, "partition")),
            "pause" => faults.Pause(),
            "network-cut" => faults.CutNetwork(String(body, "clientId"), String(body, "mode") switch
            {
                null or "blackhole" => NetworkCutMode.Blackhole,
                "reset" => NetworkCutMode.Reset,
                var other => throw Bad(kind, shape, $"mode '{other}' is unknown; use blackhole or reset"),
            }),
            _ => cluster.SetFollowerLag(
                String(body, "topic") ?? throw Bad(kind, shape, "\"topic\" is missing"),
                Int(body, "partition") ?? 0,
                broker,
                TimeSpan.FromMilliseconds(NonNegative(body, "ms", kind, shape) ?? 0),
                Bool(body, "stop") ?? Bool(body, "stopped") ?? false),
        };
    }

    private static FaultRequestException Bad(string kind, string shape, string what) => new($"Fault '{kind}': {what}. Send {shape}.");

    private static int? Positive(JsonElement body, string name, string kind, string shape) =>
        Int(body, name) is { } value && value < 1 ? throw Bad(kind, shape, $"\"{name}\" must be 1 or more, not {value}") : Int(body, name);

    private static int? NonNegative(JsonElement body, string name, string kind, string shape) =>
        Int(body, name) is { } value && value < 0 ? throw Bad(kind, shape, $"\"{name}\" must be 0 or more, not {value}") : Int(body, name);

    private static string? String(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new FaultRequestException($"\"{name}\" must be a whole number, not {value.GetRawText()}.");
    }

    private static bool? Bool(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
}
