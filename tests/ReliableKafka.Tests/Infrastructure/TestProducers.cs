using ReliableKafka.Reading;

namespace ReliableKafka.Tests.Infrastructure;

/// <summary>Builds producers and consumers against a <see cref="MockKafkaCluster"/> for tests.</summary>
internal static class TestProducers
{
    /// <summary>A temporary spill file path that is deleted with the returned scope.</summary>
    public static string TempSpillPath() => Path.Combine(Path.GetTempPath(), $"rk-spill-{Guid.NewGuid():N}.db");

    public static ReliableProducerOptions Options(MockKafkaCluster cluster, string spillPath, params (string Key, string Value)[] settings)
    {
        var options = new ReliableProducerOptions
        {
            Profile = ReliabilityProfile.Critical,
            BootstrapServers = cluster.BootstrapServers,
            DeadLetters = new DeadLetterOptions { SpillPath = spillPath, OpenSpill = ReliableKafka.DeadLetters.Sqlite.SqliteDeadLetterSpill.Open },
        };
        foreach (var (key, value) in settings)
        {
            options.Settings[key] = value;
        }

        return options;
    }

    /// <summary>Settings for a short delivery timeout that still passes the rules (RK007).</summary>
    public static (string, string)[] ShortTimeout(int deliveryTimeoutMs = 3000) =>
    [
        ("delivery.timeout.ms", deliveryTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("request.timeout.ms", (deliveryTimeoutMs / 2).ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    /// <summary>Reads every record of a topic (all partitions from the start) until <paramref name="expected"/> arrived or the timeout passed.</summary>
    public static List<TopicRecord<byte[]?, byte[]?>> ReadAll(MockKafkaCluster cluster, string topic, int expected, TimeSpan timeout) =>
        ReliableKafka.Testing.TopicReader.ReadAll<byte[]?, byte[]?>(cluster.BootstrapServers, topic, expected, timeout);
}
