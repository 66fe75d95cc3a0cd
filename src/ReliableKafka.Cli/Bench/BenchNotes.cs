namespace ReliableKafka.Cli.Bench;

/// <summary>The sentences that say what a run measured and what was simulated, shared by the console, JSON and HTML.</summary>
internal static class BenchNotes
{
    public static string Cluster(BenchTarget target)
    {
        var minInsync = target.MinInsyncReplicas is { } m ? BenchFormat.Int(m) : "unknown";
        var where = target.Embedded
            ? $"the embedded simulator ({target.Brokers} brokers at {target.BootstrapServers}, in this process)"
            : $"the cluster at {target.BootstrapServers} ({target.Brokers} live broker(s)), as it is";
        var created = target.TopicCreated && !target.Embedded ? " (created by rk bench)" : "";
        return $"Cluster: {where}; topic {target.Topic}{created}: {target.Partitions} partition(s), replication factor {target.ReplicationFactor}, min.insync.replicas {minInsync}.";
    }

    /// <summary>What was simulated, or null for a real cluster.</summary>
    public static string? Simulated(BenchTarget target) => target.Simulation is not { } delays
        ? null
        : "Simulated: " + string.Join("; ", new[]
        {
            delays.ReplicationDelayMs > 0
                ? $"every follower copies only batches at least {delays.ReplicationDelayMs} ms old (replication delay), so acks=all waits for it"
                : "no replication delay (followers copy at once)",
            delays.NetworkDelayMs > 0
                ? $"every broker response waits {delays.NetworkDelayMs} ms (a network round trip), so acks=1 pays it; acks=0 has no response to wait for"
                : "no response delay",
        }) + ". The brokers run on this machine and share its CPU with the producers.";

    public static string Workload(BenchWorkload workload, int profiles)
    {
        var amount = workload.Messages is { } n ? $"{BenchFormat.Int(n)} messages" : $"{BenchFormat.Int(workload.DurationSeconds!.Value)} s of messages";
        var pace = workload.Rate is { } rate
            ? $"offered at {BenchFormat.Int(rate)} msg/s"
            : $"as fast as the client takes them (at most {BenchFormat.Int(workload.MaxInFlight)} without an outcome)";
        var rounds = workload.Rounds == 1 ? "1 round" : $"{workload.Rounds} rounds (medians; max is the largest of any round)";
        var order = profiles > 1 ? ", profiles one after another" : "";
        return $"Workload: {amount} of {BenchFormat.Int(workload.MessageBytes)} bytes per profile (random bytes, keys over 1024 values), {pace}, {rounds}{order}; "
            + $"each producer uses its profile's defaults and first sends {BenchFormat.Int(workload.Warmup)} messages that are not counted.";
    }

    public static IReadOnlyList<string> Latency(BenchWorkload workload) =>
    [
        "Latency is each message's publish-to-outcome time (DeliveryOutcome.Latency). acks=all: until the leader answered after the in-sync replicas copied it; "
            + "acks=1: until the leader answered; acks=0: only the client's hand-off, until it wrote the message to the socket, because no broker acknowledges acks=0 (it says nothing about durability).",
        workload.Rate is null
            ? "Unpaced: a message's latency includes the time it waited in the client behind earlier ones, so it follows throughput; give --rate for the latency of a message sent at a steady rate."
            : "Paced: at a steady rate a message also waits up to its profile's linger.ms (Critical 5, Analytics 20, Metrics 50) for its batch to fill, so linger can outweigh acks.",
    ];

    /// <summary>What the table means for each acks level, for JSON's <c>latencyMeasures</c>.</summary>
    public static string Measures(string acks) => acks switch
    {
        "0" => "client hand-off: until the client wrote the message to the socket; no broker acknowledges acks=0",
        "1" => "until the partition leader acknowledged the append",
        _ => "until the leader acknowledged it after the in-sync replicas copied it",
    };

    public static string Shape(ShapeVerdict shape, BenchTarget target)
    {
        if (!shape.Checked)
        {
            return $"Shape {ShapeVerdict.Expected}: not checked (it needs at least two profiles that delivered messages).";
        }

        if (shape.Holds)
        {
            return $"Shape {ShapeVerdict.Expected}: holds. {shape.Order}.";
        }

        if (shape.Fails)
        {
            return $"SHAPE NOT REPRODUCED: expected {ShapeVerdict.Expected}, measured {shape.Order}. On the embedded simulator this means its delays are not doing their job "
                + "(a replication delay makes acks=all wait, a response delay makes acks=1 wait); try a larger --replication-delay-ms or --network-delay-ms, or a less loaded machine.";
        }

        return target.Embedded
            ? $"Shape {ShapeVerdict.Expected}: does not hold at a fixed rate: {shape.Order}. Reported, not failed: at a steady rate linger.ms enters the latency (see above)."
            : $"Shape {ShapeVerdict.Expected}: does not hold on this cluster: {shape.Order}. Reported as measured.";
    }
}
