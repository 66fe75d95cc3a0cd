using System.Diagnostics;
using ReliableKafka.Reading;

namespace ReliableKafka.Testing;

/// <summary>Reads a topic back with the library's <see cref="ReliableKafka.Reading.TopicReader"/>, waiting for records still on their way.</summary>
internal static class TopicReader
{
    /// <summary>
    /// Every record of <paramref name="topic"/>, by partition and offset, read to the end again until at least
    /// <paramref name="expected"/> are there or <paramref name="timeout"/> (default 20 s) passed.
    /// </summary>
    public static List<TopicRecord<TKey, TValue>> ReadAll<TKey, TValue>(string bootstrapServers, string topic, int expected, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var reader = new ReliableKafka.Reading.TopicReader(bootstrapServers) { Timeout = limit };
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var records = reader.Read<TKey, TValue>(topic);
            if (records.Count >= expected || Stopwatch.GetElapsedTime(started) > limit)
            {
                return [.. records];
            }
        }
    }

    /// <summary>As <see cref="ReadAll{TKey, TValue}"/> with string keys and values.</summary>
    public static List<TopicRecord<string, string>> ReadAll(string bootstrapServers, string topic, int expected) =>
        ReadAll<string, string>(bootstrapServers, topic, expected);

    /// <summary>
    /// One partition of <paramref name="topic"/> read once from its start to its high watermark, in log order, each
    /// record with its offset.
    /// </summary>
    public static List<TopicRecord<string, string>> ReadPartition(string bootstrapServers, string topic, int partition, TimeSpan? timeout = null) =>
        [.. new ReliableKafka.Reading.TopicReader(bootstrapServers) { Timeout = timeout ?? TimeSpan.FromSeconds(20) }
            .Read<string, string>(topic, [new PartitionRange(partition)])];
}
