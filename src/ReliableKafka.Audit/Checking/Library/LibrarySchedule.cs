using CsCheck;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Audit.Checking.Library;

/// <summary>Kills one outbox relay hard (it never reaches the cluster again and skips every cleanup) and starts a new one in its place.</summary>
/// <param name="Pick">Which relay: its index, modulo the number of relays.</param>
public sealed record KillRelay(int Pick) : NemesisAction
{
    /// <inheritdoc/>
    public override string ToString() => $"kill relay #{Pick} and restart it";
}

/// <summary>A library check: the workload's random choices (keys, poison, publish paths) and the nemesis steps.</summary>
/// <param name="WorkloadSeed">Seeds the writers' and publishers' choices.</param>
/// <param name="Steps">The nemesis steps; everything is healed after the last.</param>
public sealed record LibrarySchedule(int WorkloadSeed, IReadOnlyList<CheckStep> Steps)
{
    /// <inheritdoc/>
    public override string ToString() => $"workload {WorkloadSeed}: {string.Join("; ", Steps)}";
}

/// <summary>The topics, clients and schedule generator of the library checker.</summary>
public static class LibraryTopology
{
    /// <summary>The outbox's topic: 3 partitions, replication factor 3, min.insync.replicas 2, max.message.bytes 4096.</summary>
    public const string OutboxTopic = "outbox-events";

    /// <summary>The topic <see cref="ReliableProducer{TKey, TValue}"/> calls publish to: 2 partitions, as <see cref="OutboxTopic"/>.</summary>
    public const string DirectTopic = "direct-events";

    /// <summary>A topic that does not exist until the operator creates it when the faults are healed: outbox events for it must wait, not die.</summary>
    public const string LateTopic = "late-events";

    /// <summary>The dead-letter topic of every producer.</summary>
    public const string DeadLetterTopic = "check-dead-letters";

    /// <summary>Where the idempotent consumer puts records it cannot apply (tombstones).</summary>
    public const string ConsumerDeadLetterTopic = "check-consumer-dead-letters";

    /// <summary>The event id prefix of tombstones: records with a null value, poison for the consumer.</summary>
    public const string TombstonePrefix = "tombstone-";

    /// <summary>The largest record the event topics take; poison events are larger.</summary>
    public const int MaxMessageBytes = 4096;

    /// <summary>The relays: one on the SQLite outbox, and two on one PostgreSQL outbox when a server is given.</summary>
    public static IReadOnlyList<string> Relays { get; } = ["relay-sqlite", "relay-pg-a", "relay-pg-b"];

    /// <summary>The client ids a network cut may single out (the first incarnation of each relay, the producer, the consumer).</summary>
    public static IReadOnlyList<string> ClientIds { get; } = ["relay-sqlite.1", "relay-pg-a.1", "relay-pg-b.1", "direct", "effects"];

    /// <summary>The partitions faults may name.</summary>
    public static IReadOnlyList<(string Topic, int Partition)> Targets { get; } = [(OutboxTopic, 0), (OutboxTopic, 1), (OutboxTopic, 2), (DirectTopic, 0), (DirectTopic, 1)];

    /// <summary>The topics created at the start, and their settings.</summary>
    internal static IReadOnlyList<(string Topic, TopicSettings Settings)> Topics { get; } =
    [
        (OutboxTopic, new TopicSettings(3, 3, 2, MaxMessageBytes: MaxMessageBytes)),
        (DirectTopic, new TopicSettings(2, 3, 2, MaxMessageBytes: MaxMessageBytes)),
        (DeadLetterTopic, new TopicSettings(1, 3, 2)),
        (ConsumerDeadLetterTopic, new TopicSettings(1, 3, 2)),
    ];

    /// <summary>Schedules of 1 to 10 steps, 20 to 800 ms apart: every cluster fault of the simulator checker, and relay kills.</summary>
    public static Gen<LibrarySchedule> Schedules { get; } = Gen.Select(
        Gen.Int[0, 1_000_000],
        Gen.Select(
                Gen.Int[20, 800],
                Gen.Frequency(
                    (9, CheckTopology.ActionsOn(Targets, ClientIds)),
                    (2, Gen.Int[0, 2].Select(static pick => (NemesisAction)new KillRelay(pick)))),
                static (ms, action) => new CheckStep(ms, action))
            .List[1, 10],
        static (seed, steps) => new LibrarySchedule(seed, steps));
}
