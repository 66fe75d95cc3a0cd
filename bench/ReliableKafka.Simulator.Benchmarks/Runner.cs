using System.Diagnostics;
using System.Runtime;
using Confluent.Kafka;

namespace ReliableKafka.Simulator.Benchmarks;

/// <summary>
/// One run: a fresh cluster and topic, one primed message per partition, N messages produced and timed, the memory
/// held afterwards, then a fresh reader that reads everything the cluster holds from the beginning, timed.
/// </summary>
internal static class Runner
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReplicaTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Measures one run.</summary>
    /// <exception cref="InvalidOperationException">A delivery failed, or the read-back found a wrong count or a gap.</exception>
    public static async Task<RunResult> MeasureAsync(
        TargetKind kind, AcksLevel level, int round, int order, string topic, int messages, Workload workload, BenchOptions options)
    {
        var errors = new ClientErrors();
        var config = Workload.ProducerConfig(level, options);
        var target = Target.Start(kind, topic, config, errors);
        await using (target.ConfigureAwait(false))
        {
            var primed = Prime(target, workload);
            var (produce, memory) = Produce(target, workload, messages, options.Window);
            var inSync = target.WaitForReplicas(ReplicaTimeout);
            var bookkeeping = target.Bookkeeping();
            var consume = Consume(target, messages + primed, errors, options);
            return new RunResult
            {
                Level = level,
                Target = kind,
                Round = round,
                Order = order,
                Topic = topic,
                Partitions = target.TopicPartitions,
                Replicas = target.TopicReplicas,
                TopicNote = target.TopicNote,
                Produce = produce,
                Memory = memory,
                ReplicasInSync = inSync,
                Batches = bookkeeping?.Batches ?? -1,
                TruthEvents = bookkeeping?.Events ?? -1,
                Consume = consume,
                ClientErrors = errors.Count,
                LastClientError = errors.Last,
            };
        }
    }

    /// <summary>Sends one message to every partition and waits for it, so metadata and connections exist before timing.</summary>
    private static int Prime(Target target, Workload workload)
    {
        const int Partitions = Target.Partitions;
        for (var p = 0; p < Partitions; p++)
        {
            var result = target.Producer.ProduceAsync(new TopicPartition(target.Topic, p), new Message<byte[], byte[]> { Key = workload.Key(p), Value = workload.Value })
                .GetAwaiter().GetResult();
            if (result.Status != PersistenceStatus.Persisted)
            {
                throw new InvalidOperationException($"Priming {target.Topic}[{p}] on the {target.Kind.Label()} returned {result.Status}.");
            }
        }

        return Partitions;
    }

    private static (ProducePhase Produce, RetainedMemory Memory) Produce(Target target, Workload workload, int count, int window)
    {
        var producer = target.Producer;
        var topic = target.Topic;
        var value = workload.Value;
        var partitions = Enumerable.Range(0, Target.Partitions).Select(p => new TopicPartition(topic, p)).ToArray();

        var (heapBefore, gcHeapBefore, workingSetBefore) = HeldMemory();

        using var counter = new DeliveryCounter(count);
        var handler = counter.Handler;
        var gcBefore = GcActivity.Now();
        var cpuBefore = ProcessCpu();
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var started = Stopwatch.GetTimestamp();

        var i = 0;
        while (i < count)
        {
            counter.WaitForRoom(i, window);
            try
            {
                producer.Produce(partitions[Workload.PartitionOf(i)], new Message<byte[], byte[]> { Key = workload.Key(i), Value = value }, handler);
                i++;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                Thread.Sleep(1);
            }
            catch (ProduceException<byte[], byte[]> e)
            {
                counter.RecordRejected(e.Error);
                i++;
            }
        }

        producer.Flush(DeliveryTimeout);
        counter.Wait(DeliveryTimeout);

        var allocatedAfter = GC.GetTotalAllocatedBytes(true);
        var cpuAfter = ProcessCpu();
        var gc = GcActivity.Now().Since(gcBefore);
        if (counter.Failed > 0)
        {
            throw new InvalidOperationException($"{counter.Failed:N0} of {count:N0} deliveries to the {target.Kind.Label()} ({topic}) failed; first: {counter.FirstError}");
        }

        var (heapAfter, gcHeapAfter, workingSetAfter) = HeldMemory();
        var produce = new ProducePhase(
            count, Stopwatch.GetElapsedTime(started, counter.LastReportAt).TotalSeconds, (cpuAfter - cpuBefore).TotalMilliseconds,
            allocatedAfter - allocatedBefore, gc, Seconds(started), Seconds(counter.LastReportAt));
        var memory = new RetainedMemory(count, heapBefore, heapAfter, gcHeapBefore, gcHeapAfter, workingSetBefore, workingSetAfter);
        return (produce, memory);
    }

    /// <summary>
    /// Reads every message the cluster holds with a fresh consumer (partitions assigned from the beginning) and checks
    /// the count and that offsets follow each other without gaps or repeats.
    /// </summary>
    private static ConsumePhase Consume(Target target, long appendedExpected, ClientErrors errors, BenchOptions options)
    {
        var topic = target.Topic;
        using var consumer = Clients.Consumer(Workload.ConsumerConfig(target.ConsumerBootstrap, topic, options), errors);
        var partitions = Enumerable.Range(0, Target.Partitions).Select(p => new TopicPartition(topic, p)).ToArray();
        var next = new long[partitions.Length];
        long appended = 0, expected = 0;
        foreach (var partition in partitions)
        {
            var watermarks = consumer.QueryWatermarkOffsets(partition, WatermarkTimeout);
            next[partition.Partition.Value] = watermarks.Low.Value;
            appended += watermarks.High.Value;
            expected += watermarks.High.Value - watermarks.Low.Value;
        }

        if (appended != appendedExpected)
        {
            throw new InvalidOperationException($"The {target.Kind.Label()} reports {appended:N0} messages appended to {topic}, not the {appendedExpected:N0} produced.");
        }

        if (target.Kind == TargetKind.Simulator && expected != appended)
        {
            throw new InvalidOperationException($"The simulator holds {expected:N0} of the {appended:N0} messages appended to {topic}.");
        }

        FullCollect();
        var cpuBefore = ProcessCpu();
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var started = Stopwatch.GetTimestamp();
        long first = 0, last = started, lastProgress = started;
        long read = 0;
        consumer.Assign(partitions.Select(static p => new TopicPartitionOffset(p, Offset.Beginning)));
        while (read < expected)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            var now = Stopwatch.GetTimestamp();
            if (record is null)
            {
                if (Stopwatch.GetElapsedTime(lastProgress, now) > StallTimeout)
                {
                    throw new InvalidOperationException($"Reading {topic} from the {target.Kind.Label()} stalled at {read:N0} of {expected:N0} messages for {StallTimeout.TotalSeconds:0} s (next offsets {string.Join(", ", next)}; last client error: {errors.Last ?? "none"}).");
                }

                continue;
            }

            var p = record.Partition.Value;
            if (record.Offset.Value != next[p])
            {
                throw new InvalidOperationException($"Reading {topic}[{p}] from the {target.Kind.Label()}: offset {record.Offset.Value} where {next[p]} was expected.");
            }

            if (record.Message.Value is not { Length: Workload.ValueSize })
            {
                throw new InvalidOperationException($"Reading {topic}[{p}]@{record.Offset.Value} from the {target.Kind.Label()}: a value of {record.Message.Value?.Length ?? -1} bytes.");
            }

            next[p]++;
            if (read++ == 0)
            {
                first = now;
            }

            last = lastProgress = now;
        }

        var allocatedAfter = GC.GetTotalAllocatedBytes(true);
        var cpuAfter = ProcessCpu();
        consumer.Close();
        return new ConsumePhase(
            expected, appended, read, Stopwatch.GetElapsedTime(started, last).TotalSeconds,
            read > 0 ? Stopwatch.GetElapsedTime(started, first).TotalSeconds : double.NaN,
            (cpuAfter - cpuBefore).TotalMilliseconds, allocatedAfter - allocatedBefore);
    }

    /// <summary>
    /// What the process holds now: the managed heap's live bytes after a full collection (GC.GetTotalMemory(true)), the
    /// GC's heap size after it (HeapSizeBytes, fragmentation included; the large object heap, where the batches live,
    /// is compacted first so that the previous run's freed batches do not hide in it) and the working set.
    /// </summary>
    private static (long Live, long HeapSize, long WorkingSet) HeldMemory()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var live = GC.GetTotalMemory(forceFullCollection: true);
        return (live, GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes, Environment.WorkingSet);
    }

    private static void FullCollect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>A Stopwatch timestamp in seconds (CLOCK_MONOTONIC on Linux), to line runs up with perf.</summary>
    private static double Seconds(long timestamp) => (double)timestamp / Stopwatch.Frequency;

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
