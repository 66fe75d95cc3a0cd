using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Benchmarks;

/// <summary>
/// What a transaction costs: the same messages from an idempotent producer (acks=all) and from a transactional one
/// (the same settings plus transactional.id; BeginTransaction, M Produce calls, CommitTransaction, again), each on a
/// fresh simulated cluster, paired in every round with the order alternating. Throughput is messages per second from
/// the first hand-over to the last delivery report (transactional: to the last commit). The transactional run is then
/// read back read_committed: every message must be there, once. The ratio transactional / idempotent is taken per round.
/// </summary>
internal static class TransactionBench
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    public static async Task RunAsync(BenchOptions options)
    {
        var workload = new Workload(seed: 20261205);
        var messages = options.Messages;
        Console.Error.WriteLine($"idempotent against transactional producers on the simulator: {messages:N0} messages of {Workload.ValueSize} bytes per run, linger.ms {Workload.LingerMs}, batch.size {(options.BatchSize?.ToString("N0", CultureInfo.InvariantCulture) ?? "librdkafka's default")}, {options.Rounds} round(s)");
        var rows = new List<(int Size, int Round, double Idempotent, double Transactional, double CommitsPerSecond, double CommitMs)>();
        foreach (var size in options.TransactionSizes)
        {
            for (var round = 1; round <= options.Rounds; round++)
            {
                double idempotent = 0;
                (double Rate, double CommitsPerSecond, double CommitMs) transactional = default;
                var first = (round + rows.Count) % 2 == 1;
                for (var turn = 0; turn < 2; turn++)
                {
                    if ((turn == 0) == first)
                    {
                        idempotent = await Task.Run(() => Idempotent(workload, messages, options)).ConfigureAwait(false);
                    }
                    else
                    {
                        transactional = await Task.Run(() => Transactional(workload, messages, size, options)).ConfigureAwait(false);
                    }
                }

                rows.Add((size, round, idempotent, transactional.Rate, transactional.CommitsPerSecond, transactional.CommitMs));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"transactions of {size,6:N0}, round {round}: idempotent {idempotent,10:N0} msg/s, transactional {transactional.Rate,10:N0} msg/s ({transactional.CommitsPerSecond:N1} commits/s, commit {transactional.CommitMs:N1} ms), ratio {transactional.Rate / idempotent:P1}"));
            }
        }

        Console.WriteLine("| transaction size | idempotent msg/s | transactional msg/s | commits/s | mean commit ms | transactional / idempotent (median of rounds) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var group in rows.GroupBy(static r => r.Size))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key:N0} | {Median(group.Select(static r => r.Idempotent)):N0} | {Median(group.Select(static r => r.Transactional)):N0} | {Median(group.Select(static r => r.CommitsPerSecond)):N1} | {Median(group.Select(static r => r.CommitMs)):N1} | {Median(group.Select(static r => r.Transactional / r.Idempotent)):P1} |"));
        }
    }

    private static double Idempotent(Workload workload, int messages, BenchOptions options)
    {
        using var cluster = Cluster(out var topic);
        var config = Workload.ProducerConfig(AcksLevel.Idempotent, options);
        config.BootstrapServers = cluster.Value.BootstrapServers;
        var errors = new ClientErrors();
        using var producer = Clients.Producer(config, errors);
        var partitions = Enumerable.Range(0, 3).Select(p => new TopicPartition(topic, p)).ToArray();
        producer.ProduceAsync(partitions[0], new Message<byte[], byte[]> { Key = workload.Key(0), Value = workload.Value }).GetAwaiter().GetResult();
        using var counter = new DeliveryCounter(messages);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < messages; i++)
        {
            counter.WaitForRoom(i, options.Window);
            producer.Produce(partitions[Workload.PartitionOf(i)], new Message<byte[], byte[]> { Key = workload.Key(i), Value = workload.Value }, counter.Handler);
        }

        counter.Wait(Patience);
        if (counter.Failed > 0)
        {
            throw new InvalidOperationException($"{counter.Failed} idempotent deliveries failed: {counter.FirstError}");
        }

        return messages / Stopwatch.GetElapsedTime(started, counter.LastReportAt).TotalSeconds;
    }

    private static (double Rate, double CommitsPerSecond, double CommitMs) Transactional(Workload workload, int messages, int size, BenchOptions options)
    {
        using var cluster = Cluster(out var topic);
        var config = Workload.ProducerConfig(AcksLevel.Idempotent, options);
        config.BootstrapServers = cluster.Value.BootstrapServers;
        config.TransactionalId = "bench-" + Guid.NewGuid().ToString("N");
        var errors = new ClientErrors();
        using var producer = Clients.Producer(config, errors);
        producer.InitTransactions(Patience);
        var partitions = Enumerable.Range(0, 3).Select(p => new TopicPartition(topic, p)).ToArray();
        using var counter = new DeliveryCounter(messages);
        var commits = 0;
        var committing = TimeSpan.Zero;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < messages; i += size)
        {
            producer.BeginTransaction();
            for (var j = i; j < Math.Min(messages, i + size); j++)
            {
                producer.Produce(partitions[Workload.PartitionOf(j)], new Message<byte[], byte[]> { Key = workload.Key(j), Value = workload.Value }, counter.Handler);
            }

            var commit = Stopwatch.GetTimestamp();
            producer.CommitTransaction(Patience);
            committing += Stopwatch.GetElapsedTime(commit);
            commits++;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        counter.Wait(Patience);
        if (counter.Failed > 0)
        {
            throw new InvalidOperationException($"{counter.Failed} transactional deliveries failed: {counter.FirstError}");
        }

        CheckReadCommitted(cluster.Value, topic, messages);
        return (messages / elapsed.TotalSeconds, commits / elapsed.TotalSeconds, committing.TotalMilliseconds / commits);
    }

    /// <summary>Reads the topic read_committed: every message once (the markers take offsets, so offsets have gaps).</summary>
    private static void CheckReadCommitted(SimulatedCluster cluster, string topic, int messages)
    {
        var deadline = Stopwatch.GetTimestamp();
        while (cluster.Describe().Topics.Single(t => t.Name == topic).Partitions.Any(static p => p.LastStableOffset != p.HighWatermark))
        {
            if (Stopwatch.GetElapsedTime(deadline) > Patience)
            {
                throw new InvalidOperationException("The last stable offset did not reach the high watermark after the last commit.");
            }

            Thread.Sleep(5);
        }

        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "bench-read-committed",
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnablePartitionEof = true,
            FetchQueueBackoffMs = Workload.FetchQueueBackoffMs,
        }).SetLogHandler(static (_, _) => { }).Build();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var read = 0;
        var ended = new HashSet<int>();
        var started = Stopwatch.GetTimestamp();
        while (ended.Count < 3)
        {
            if (Stopwatch.GetElapsedTime(started) > Patience)
            {
                throw new InvalidOperationException($"The read_committed read-back stalled at {read:N0} of {messages:N0}.");
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { } record)
            {
                continue;
            }

            if (record.IsPartitionEOF)
            {
                ended.Add(record.Partition.Value);
            }
            else
            {
                read++;
            }
        }

        if (read != messages)
        {
            throw new InvalidOperationException($"read_committed read {read:N0} records, not {messages:N0}.");
        }
    }

    private static DisposableCluster Cluster(out string topic)
    {
        var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, AutoCreateTopics = false });
        topic = "bench-transactions";
        cluster.CreateTopic(topic, new TopicSettings(3, 3, 2));
        return new DisposableCluster(cluster);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed class DisposableCluster(SimulatedCluster cluster) : IDisposable
    {
        public SimulatedCluster Value { get; } = cluster;

        public void Dispose() => Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
