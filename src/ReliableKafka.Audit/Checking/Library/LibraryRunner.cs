using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using ReliableKafka.DeadLetters.Sqlite;
using ReliableKafka.Outbox;
using ReliableKafka.Reading;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Faults;

namespace ReliableKafka.Audit.Checking.Library;

/// <summary>What a library check runs against.</summary>
public sealed record LibraryCheckSettings
{
    /// <summary>
    /// A PostgreSQL connection string with the right to create databases: each schedule then also runs two relays on a
    /// fresh PostgreSQL outbox. Null: the SQLite outbox only.
    /// </summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>The relays' dead-event policy. The promises are those of the default, <see cref="OutboxDeadEventPolicy.BlockKey"/>.</summary>
    public OutboxDeadEventPolicy DeadEvents { get; init; } = OutboxDeadEventPolicy.BlockKey;
}

/// <summary>The outcome of one library schedule.</summary>
/// <param name="Schedule">The schedule run.</param>
/// <param name="Violations">The promises it broke (none when it passed).</param>
/// <param name="Counts">What happened: events written, published, dead, waiting, duplicates and their explanations, calls and outcomes, effects.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record LibraryResult(LibrarySchedule Schedule, IReadOnlyList<LibraryViolation> Violations, LibraryCounts Counts, TimeSpan Elapsed)
{
    /// <summary>True when no promise broke.</summary>
    public bool Passed => Violations.Count == 0;
}

/// <summary>Runs one library schedule against a fresh simulated cluster and checks every <see cref="LibraryPromise"/>.</summary>
public static class LibraryRunner
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Runs <paramref name="schedule"/> and returns what it broke.</summary>
    /// <param name="schedule">The workload seed and nemesis steps.</param>
    /// <param name="settings">PostgreSQL and the dead-event policy.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The result.</returns>
    public static async Task<LibraryResult> RunAsync(LibrarySchedule schedule, LibraryCheckSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(settings);
        var watch = Stopwatch.StartNew();
        await using var cluster = SimulatedCluster.Start(CheckTopology.ClusterOptions);
        foreach (var (topic, topicSettings) in LibraryTopology.Topics)
        {
            cluster.CreateTopic(topic, topicSettings);
        }

        var workload = await LibraryWorkload.StartAsync(cluster, settings, schedule.WorkloadSeed, cancellationToken).ConfigureAwait(false);
        await using (workload.ConfigureAwait(false))
        {
            await Eventually(() => Task.FromResult(workload.Calls.Any(static c => c.Outcome?.IsDelivered == true)), TimeSpan.FromSeconds(30), "the first delivery", cancellationToken).ConfigureAwait(false);
            var held = new List<FaultHandle>();
            foreach (var step in schedule.Steps)
            {
                await Task.Delay(step.AfterMilliseconds, cancellationToken).ConfigureAwait(false);
                if (step.Action is KillRelay kill)
                {
                    await workload.KillRelayAsync(kill.Pick).ConfigureAwait(false);
                }
                else
                {
                    Nemesis.Act(cluster, step.Action, held);
                }
            }

            // The writers stop; killed relays finish their last round while still cut off, then vanish.
            await workload.StopWritingAsync().ConfigureAwait(false);

            // Heal: faults end, brokers return, the operator creates the missing topic; then everything drains.
            cluster.ClearFaults();
            foreach (var broker in cluster.BrokerIds)
            {
                cluster.RestartBroker(broker);
            }

            cluster.CreateTopic(LibraryTopology.LateTopic, new TopicSettings(1, 3, 2, MaxMessageBytes: LibraryTopology.MaxMessageBytes));
            var partitions = LibraryTopology.Topics.SelectMany(static t => Enumerable.Range(0, t.Settings.Partitions).Select(p => (t.Topic, p))).Append((LibraryTopology.LateTopic, 0)).ToList();
            await ScheduleRunner.SettleAsync(cluster, partitions, cancellationToken).ConfigureAwait(false);
            var stores = workload.Postgres is null ? new[] { (OutboxStore)workload.Sqlite.Store } : [workload.Sqlite.Store, workload.Postgres.Store];
            await Eventually(
                async () =>
                {
                    var drained = true;
                    foreach (var store in stores)
                    {
                        var backlog = await store.GetBacklogAsync(cancellationToken).ConfigureAwait(false);
                        drained &= backlog.Pending == backlog.Waiting;
                        if (workload.OperatorSkips && backlog.Dead > 0)
                        {
                            // The operator gives up on every dead event (each one's dead letter holds it), releasing its key.
                            foreach (var dead in await store.GetDeadEventsAsync(1000, cancellationToken).ConfigureAwait(false))
                            {
                                await store.SkipDeadEventAsync(dead.Id, cancellationToken).ConfigureAwait(false);
                            }

                            drained = false;
                        }
                    }

                    return drained;
                },
                DrainTimeout,
                "every outbox event not held behind a dead one being published",
                cancellationToken).ConfigureAwait(false);
            await workload.StopPublishingAsync().ConfigureAwait(false);

            // The consumer catches up with every event on the topics.
            Dictionary<string, List<TopicRecord<string, Ignore>>> topics = [];
            var effects = new List<(string EventId, string Topic, int Partition, long Offset)>();
            await Eventually(
                async () =>
                {
                    topics = ReadTopics(cluster.BootstrapServers, cancellationToken);
                    effects = await ReadEffectsAsync(workload, cancellationToken).ConfigureAwait(false);
                    var onTopics = topics.Where(static t => t.Key is not (LibraryTopology.DeadLetterTopic or LibraryTopology.ConsumerDeadLetterTopic))
                        .SelectMany(static t => t.Value).Select(static r => EventId(r.Headers)).ToHashSet();
                    var taken = effects.Select(static e => e.EventId).Concat(topics[LibraryTopology.ConsumerDeadLetterTopic].Select(static r => EventId(r.Headers)));
                    return onTopics.IsSubsetOf(taken);
                },
                DrainTimeout,
                "the idempotent consumer taking every event on the topics",
                cancellationToken).ConfigureAwait(false);
            await workload.StopConsumingAsync().ConfigureAwait(false);
            effects = await ReadEffectsAsync(workload, cancellationToken).ConfigureAwait(false);

            var rows = new List<OutboxRow>();
            foreach (var store in stores)
            {
                rows.AddRange(await ReadRowsAsync(store, cancellationToken).ConfigureAwait(false));
            }

            var spilled = new HashSet<string>(StringComparer.Ordinal);
            foreach (var path in workload.SpillPaths)
            {
                using var spill = new SqliteDeadLetterSpill(path);
                spilled.UnionWith(spill.ReadAll().Select(static l => EventId(l.Headers)));
            }

            var input = new LibraryCheckInput(
                [.. workload.Written],
                rows,
                [.. workload.Calls],
                topics,
                spilled,
                effects,
                (topic, partition, offset) => cluster.Truth.For(topic, partition).Any(e => e.Kind == TruthEventKind.Refused && e.FirstOffset == offset),
                (topic, partition, offset) => BatchAt(cluster, topic, partition, offset),
                workload.Postgres is null ? 1 : 2);
            var (violations, counts) = LibraryFinalChecks.Run(input);
            return new LibraryResult(schedule, violations, counts, watch.Elapsed);
        }
    }

    private static (long ProducerId, short ProducerEpoch, int BaseSequence)? BatchAt(SimulatedCluster cluster, string topic, int partition, long offset)
    {
        var inspection = cluster.Inspect(topic, partition);
        var leader = inspection?.Replicas.FirstOrDefault(r => r.Broker == inspection.Leader);
        var batch = leader?.Batches.FirstOrDefault(b => b.BaseOffset <= offset && offset <= b.LastOffset);
        return batch is null ? null : (batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence);
    }

    internal static string EventId(Headers? headers) =>
        headers is not null && headers.TryGetLastBytes("event-id", out var bytes) ? Encoding.UTF8.GetString(bytes) : "";

    private static Dictionary<string, List<TopicRecord<string, Ignore>>> ReadTopics(string bootstrapServers, CancellationToken token)
    {
        var reader = new TopicReader(bootstrapServers, [new("client.id", "check-final-read"), new("fetch.wait.max.ms", "50")])
        {
            Timeout = TimeSpan.FromSeconds(60),
            Isolation = IsolationLevel.ReadUncommitted,
        };
        return new[] { LibraryTopology.OutboxTopic, LibraryTopology.DirectTopic, LibraryTopology.LateTopic, LibraryTopology.DeadLetterTopic, LibraryTopology.ConsumerDeadLetterTopic }
            .ToDictionary(static t => t, t => reader.Read<string, Ignore>(t, cancellationToken: token).ToList(), StringComparer.Ordinal);
    }

    private static async Task<List<(string EventId, string Topic, int Partition, long Offset)>> ReadEffectsAsync(LibraryWorkload workload, CancellationToken token)
    {
        var effects = new List<(string, string, int, long)>();
        await using var connection = await workload.OpenEffectsAsync(token).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT event_id, topic, partition, offset FROM effects";
        await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
        while (await reader.ReadAsync(token).ConfigureAwait(false))
        {
            effects.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3)));
        }

        return effects;
    }

    private static async Task<List<OutboxRow>> ReadRowsAsync(OutboxStore store, CancellationToken token)
    {
        var rows = new List<OutboxRow>();
        await using var connection = await store.OpenConnectionAsync(token).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, topic, message_key, event_id, state, attempts, sent_partition, sent_offset, last_error FROM rk_outbox ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
        while (await reader.ReadAsync(token).ConfigureAwait(false))
        {
            rows.Add(new OutboxRow(
                store.Kind,
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(6) ? null : Convert.ToInt32(reader.GetValue(6), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(7) ? null : Convert.ToInt64(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return rows;
    }

    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken token)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"The library check waited {timeout.TotalSeconds} s for {what}.");
            }

            await Task.Delay(50, token).ConfigureAwait(false);
        }
    }
}
