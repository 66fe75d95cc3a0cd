using System.Buffers.Binary;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Replication;

/// <summary>
/// Kafka's replication invariants on one partition (replicas 1, 2, 3) under random interleavings of appends, follower
/// fetches, ISR checks, broker failures, leader moves and stopped followers, driven step by step on a fake clock, so a
/// failure is deterministic and CsCheck shrinks it to a short sequence of steps (printed with its seed).
/// </summary>
public sealed class ReplicationModelCheck
{
    private static readonly TimeSpan LagTimeMax = TimeSpan.FromMilliseconds(500);
    private const long ProducerId = 7;

    /// <summary>One step of the model.</summary>
    public abstract record Step;

    public sealed record Append(int Records, bool AcksAll, bool Idempotent) : Step;

    public sealed record Fetch(int Follower) : Step;

    public sealed record Tick(int Milliseconds) : Step;

    public sealed record Down(int Broker) : Step;

    public sealed record Up(int Broker) : Step;

    public sealed record Move(int Broker) : Step;

    public sealed record StopFetching(int Broker, bool Stopped) : Step;

    private static readonly Gen<int> Broker = Gen.Int[1, 3];

    private static readonly Gen<Step> Steps = Gen.Frequency(
        (6, Gen.Select(Gen.Int[1, 3], Gen.Bool, Gen.Bool, static (n, all, idempotent) => (Step)new Append(n, all, idempotent))),
        (8, Broker.Select(static b => (Step)new Fetch(b))),
        (3, Gen.Int[1, 800].Select(static ms => (Step)new Tick(ms))),
        (2, Broker.Select(static b => (Step)new Down(b))),
        (2, Broker.Select(static b => (Step)new Up(b))),
        (1, Broker.Select(static b => (Step)new Move(b))),
        (2, Gen.Select(Broker, Gen.Bool, static (b, stopped) => (Step)new StopFetching(b, stopped))));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Random_step_sequences_keep_replicas_in_agreement_and_acknowledged_writes(bool unclean) =>
        Steps.List[1, 80].Sample(
            steps => Check(steps, unclean) is null,
            iter: 10000,
            print: steps => Describe(steps, unclean));

    /// <summary>A failure as CsCheck prints it: the broken invariant, the steps, and the partition after each step.</summary>
    private static string Describe(IReadOnlyList<Step> steps, bool unclean)
    {
        var trace = new List<string>();
        string? outcome;
        try
        {
            outcome = Run(steps, unclean, trace.Add);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            outcome = $"threw {e.GetType().Name}: {e.Message}";
        }

        return $"{outcome}{Environment.NewLine}{string.Join(Environment.NewLine, trace)}";
    }

    /// <summary>Runs the steps and returns the first broken invariant (or exception), or null.</summary>
    private static string? Check(IReadOnlyList<Step> steps, bool unclean)
    {
        try
        {
            return Run(steps, unclean);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            return $"threw {e.GetType().Name}: {e.Message}";
        }
    }

    private static string? Run(IReadOnlyList<Step> steps, bool unclean, Action<string>? trace = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var truth = new GroundTruth(clock);
        var partition = new PartitionState("model", 0, [1, 2, 3], new TopicSettings(1, 3, unclean ? 1 : 2, unclean), clock, truth);
        var acked = new List<(long Offset, uint Id, long Sequence)>();
        var waiting = new List<(Task<KafkaErrorCode> Done, long Offset, uint Id, long Sequence)>();
        var committed = new SortedDictionary<long, ReplicaBatch>();
        var nextSequence = 0;
        uint nextId = 1;
        long lastHighWatermark = 0;
        var lastEpoch = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            switch (steps[i])
            {
                case Append append:
                    var id = nextId++;
                    var data = new byte[61 + (10 * append.Records)];
                    BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(17), id);
                    var batch = new IncomingBatch(data, append.Idempotent ? ProducerId : -1, 0, append.Idempotent ? nextSequence : -1, append.Records - 1);
                    var result = partition.AppendAsLeader(partition.Leader, batch, append.AcksAll ? (short)-1 : (short)1);
                    if (result.Error == KafkaErrorCode.None && append.Idempotent)
                    {
                        nextSequence += append.Records;
                    }

                    if (result.Error == KafkaErrorCode.None && !result.Duplicate && append.AcksAll)
                    {
                        waiting.Add((partition.WaitForHighWatermark(result.LastOffset + 1), result.BaseOffset, id, truth.LastSequence));
                    }

                    break;
                case Fetch fetch:
                    partition.ReplicateTo(fetch.Follower);
                    break;
                case Tick tick:
                    clock.Advance(TimeSpan.FromMilliseconds(tick.Milliseconds));
                    partition.ShrinkIsr(LagTimeMax);
                    break;
                case Down down:
                    partition.OnBrokerDown(down.Broker);
                    break;
                case Up up:
                    partition.OnBrokerUp(up.Broker);
                    break;
                case Move move:
                    partition.MoveLeader(move.Broker);
                    break;
                case StopFetching stop:
                    partition.ReplicaOf(stop.Broker).ReplicationStopped = stop.Stopped;
                    break;
            }

            foreach (var done in waiting.Where(static w => w.Done.IsCompleted).ToList())
            {
                waiting.Remove(done);
                if (done.Done.Result == KafkaErrorCode.None)
                {
                    acked.Add((done.Offset, done.Id, truth.LastSequence));
                }
            }

            var now = partition.Inspect();
            trace?.Invoke($"{i + 1}. {steps[i]}: leader {now.Leader} e{now.LeaderEpoch} ISR {{{string.Join(",", now.Isr)}}} HW {now.HighWatermark} | " + string.Join(" | ", now.Replicas.Select(r => $"{r.Broker}{(r.Online ? "" : "(down)")}{(partition.ReplicaOf(r.Broker).MustCheckDivergence ? "*" : "")} [{string.Join(",", partition.ReplicaOf(r.Broker).Log.Epochs.Entries.Select(static e => $"{e.Epoch}@{e.StartOffset}"))}]: " + string.Join(" ", r.Batches.Select(b => $"{b.BaseOffset}-{b.LastOffset}e{b.LeaderEpoch}#{b.Crc}")))));
            var events = truth.Events;
            bool UncleanAfter(long sequence) => events.Any(e => e.Sequence > sequence && e.Election == ElectionKind.Unclean);
            var where = $"after step {i + 1} (leader {now.Leader}, epoch {now.LeaderEpoch}, ISR {{{string.Join(",", now.Isr)}}}, HW {now.HighWatermark})";

            if (now.LeaderEpoch < lastEpoch || !events.Any(e => e.Kind == TruthEventKind.Elected && e.LeaderEpoch == now.LeaderEpoch))
            {
                return $"ElectionsRecorded: epoch {now.LeaderEpoch} {where}";
            }

            if (now.HighWatermark < lastHighWatermark && !UncleanAfter(0))
            {
                return $"HighWatermarkMonotonic: {lastHighWatermark} -> {now.HighWatermark} {where}";
            }

            if (now.Leader >= 0)
            {
                var leader = now.Replicas.Single(r => r.Broker == now.Leader).Batches;
                var below = leader.Where(b => b.BaseOffset < now.HighWatermark).ToList();
                foreach (var member in now.Isr.Where(m => m != now.Leader))
                {
                    if (!now.Replicas.Single(r => r.Broker == member).Batches.Where(b => b.BaseOffset < now.HighWatermark).SequenceEqual(below))
                    {
                        return $"IsrReplicasAgree: replica {member} differs from the leader below the high watermark {where}";
                    }
                }

                if (!UncleanAfter(0))
                {
                    foreach (var (offset, batch) in committed)
                    {
                        if (!leader.Contains(batch))
                        {
                            return $"CommittedBatchesStay: the batch committed at {offset} is gone {where}";
                        }
                    }

                    foreach (var (offset, id, _) in acked)
                    {
                        if (!leader.Any(b => b.BaseOffset == offset && b.Crc == id))
                        {
                            return $"AcknowledgedWritesSurvive: acks=all batch {id} at {offset} is gone {where}";
                        }
                    }
                }

                foreach (var batch in below)
                {
                    committed[batch.BaseOffset] = batch;
                }

                var sequences = leader.Where(static b => b.ProducerId == ProducerId).Select(static b => b.BaseSequence).ToList();
                if (sequences.Zip(sequences.Skip(1)).Any(static p => p.Second <= p.First))
                {
                    return $"IdempotentOncePerPartitionInOrder: sequences {string.Join(",", sequences)} {where}";
                }
            }

            lastEpoch = now.LeaderEpoch;
            lastHighWatermark = UncleanAfter(0) ? now.HighWatermark : Math.Max(lastHighWatermark, now.HighWatermark);
        }

        return null;
    }
}
