using System.Buffers.Binary;
using System.Text.Json;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// Saves a stopped cluster's topics and replica logs to a directory and loads them back, so that the logs survive a
/// restart of <c>rk cluster --data-dir</c>. The snapshot is written when the cluster stops cleanly (to a temporary
/// directory, then swapped in); a process killed without a clean stop keeps the previous snapshot.
/// Group offsets and the ground truth are not kept.
/// </summary>
internal static class ClusterPersistence
{
    private const string MetadataFile = "cluster.json";
    private const int FormatVersion = 1;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Save(SimulatedCluster cluster, string directory)
    {
        var full = Path.GetFullPath(directory);
        var staging = full.TrimEnd(Path.DirectorySeparatorChar) + ".saving";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        var topics = new List<SavedTopic>();
        foreach (var topic in cluster.Topics.OrderBy(static t => t.Name, StringComparer.Ordinal))
        {
            var partitions = new List<SavedPartition>();
            foreach (var partition in topic.Partitions)
            {
                var saved = partition.Save();
                foreach (var (brokerId, batches) in saved.Logs)
                {
                    WriteLog(Path.Combine(staging, LogFileName(topic.Name, partition.Index, brokerId)), batches);
                }

                partitions.Add(new SavedPartition(partition.Index, [.. partition.ReplicaIds], saved.Leader, saved.LeaderEpoch, [.. saved.Isr], saved.HighWatermark));
            }

            topics.Add(new SavedTopic(topic.Name, topic.Settings, partitions));
        }

        File.WriteAllText(Path.Combine(staging, MetadataFile), JsonSerializer.Serialize(new SavedCluster(FormatVersion, cluster.BrokerIds.Count, topics), Json));
        var previous = full.TrimEnd(Path.DirectorySeparatorChar) + ".previous";
        if (Directory.Exists(previous))
        {
            Directory.Delete(previous, recursive: true);
        }

        if (Directory.Exists(full))
        {
            Directory.Move(full, previous);
        }

        Directory.Move(staging, full);
        if (Directory.Exists(previous))
        {
            Directory.Delete(previous, recursive: true);
        }
    }

    /// <summary>Loads a snapshot into a fresh cluster; returns false when the directory holds none.</summary>
    /// <exception cref="InvalidDataException">The snapshot is unreadable or was made for another broker count.</exception>
    public static bool Load(SimulatedCluster cluster, string directory)
    {
        var metadataPath = Path.Combine(directory, MetadataFile);
        if (!File.Exists(metadataPath))
        {
            return false;
        }

        SavedCluster saved;
        try
        {
            saved = JsonSerializer.Deserialize<SavedCluster>(File.ReadAllText(metadataPath), Json)
                ?? throw new InvalidDataException($"{metadataPath} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{metadataPath} is not a cluster snapshot: {e.Message}", e);
        }

        if (saved.Version != FormatVersion || saved.Brokers != cluster.BrokerIds.Count)
        {
            throw new InvalidDataException(
                $"{metadataPath} holds a {saved.Brokers}-broker cluster (format {saved.Version}); start with --brokers {saved.Brokers}, or use another --data-dir.");
        }

        foreach (var topic in saved.Topics)
        {
            if (cluster.TryCreateTopic(topic.Name, topic.Settings) is { } error)
            {
                throw new InvalidDataException($"{metadataPath}: {error}");
            }

            var state = cluster.FindTopic(topic.Name)!;
            foreach (var partition in topic.Partitions)
            {
                var logs = partition.Replicas.ToDictionary(
                    static id => id,
                    id => (IReadOnlyList<StoredBatch>)ReadLog(Path.Combine(directory, LogFileName(topic.Name, partition.Index, id))));
                state.Partitions[partition.Index].Restore(new PartitionState.Saved(partition.Leader, partition.LeaderEpoch, partition.Isr, partition.HighWatermark, logs));
            }
        }

        return true;
    }

    private static string LogFileName(string topic, int partition, int brokerId) => $"{topic}-{partition}.broker-{brokerId}.log";

    /// <summary>Each batch: base and last offset, epoch, producer id, epoch and sequences, append time, length, bytes.</summary>
    private static void WriteLog(string path, IReadOnlyList<StoredBatch> batches)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        Span<byte> header = stackalloc byte[HeaderSize];
        foreach (var batch in batches)
        {
            BinaryPrimitives.WriteInt64BigEndian(header, batch.BaseOffset);
            BinaryPrimitives.WriteInt64BigEndian(header[8..], batch.LastOffset);
            BinaryPrimitives.WriteInt32BigEndian(header[16..], batch.LeaderEpoch);
            BinaryPrimitives.WriteInt64BigEndian(header[20..], batch.ProducerId);
            BinaryPrimitives.WriteInt16BigEndian(header[28..], batch.ProducerEpoch);
            BinaryPrimitives.WriteInt32BigEndian(header[30..], batch.BaseSequence);
            BinaryPrimitives.WriteInt32BigEndian(header[34..], batch.LastSequence);
            BinaryPrimitives.WriteInt64BigEndian(header[38..], batch.AppendedAt.ToUnixTimeMilliseconds());
            BinaryPrimitives.WriteInt32BigEndian(header[46..], batch.Data.Length);
            file.Write(header);
            file.Write(batch.Data.Span);
        }

        file.Flush(flushToDisk: true);
    }

    private const int HeaderSize = 50;

    private static List<StoredBatch> ReadLog(string path)
    {
        var batches = new List<StoredBatch>();
        if (!File.Exists(path))
        {
            return batches;
        }

        var bytes = File.ReadAllBytes(path);
        var position = 0;
        while (position + HeaderSize <= bytes.Length)
        {
            var header = bytes.AsSpan(position, HeaderSize);
            var length = BinaryPrimitives.ReadInt32BigEndian(header[46..]);
            if (length < 0 || position + HeaderSize + length > bytes.Length)
            {
                throw new InvalidDataException($"{path} is truncated at byte {position}.");
            }

            batches.Add(new StoredBatch(
                BinaryPrimitives.ReadInt64BigEndian(header),
                BinaryPrimitives.ReadInt64BigEndian(header[8..]),
                BinaryPrimitives.ReadInt32BigEndian(header[16..]),
                BinaryPrimitives.ReadInt64BigEndian(header[20..]),
                BinaryPrimitives.ReadInt16BigEndian(header[28..]),
                BinaryPrimitives.ReadInt32BigEndian(header[30..]),
                BinaryPrimitives.ReadInt32BigEndian(header[34..]),
                bytes.AsMemory(position + HeaderSize, length),
                DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(header[38..]))));
            position += HeaderSize + length;
        }

        return batches;
    }

    private sealed record SavedCluster(int Version, int Brokers, List<SavedTopic> Topics);

    private sealed record SavedTopic(string Name, TopicSettings Settings, List<SavedPartition> Partitions);

    private sealed record SavedPartition(int Index, List<int> Replicas, int Leader, int LeaderEpoch, List<int> Isr, long HighWatermark);
}
