using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ReliableKafka.Audit.Targets;

/// <summary>A real cluster, shared by the runs; each run writes its own topics and deletes them afterwards.</summary>
internal sealed class ClusterTarget(string bootstrapServers, IClusterFaults faults) : IAuditTarget
{
    private readonly List<string> _topics = [];

    public string BootstrapServers { get; } = bootstrapServers;

    public IClusterFaults Faults { get; } = faults;

    public async Task CreateTopicAsync(string topic, int partitions, int minInSyncReplicas, bool uncleanLeaderElection, int? maxMessageBytes, CancellationToken cancellationToken)
    {
        using var admin = Admin();
        var configs = new Dictionary<string, string>
        {
            ["min.insync.replicas"] = minInSyncReplicas.ToString(CultureInfo.InvariantCulture),
            ["unclean.leader.election.enable"] = uncleanLeaderElection ? "true" : "false",
        };
        if (maxMessageBytes is { } max)
        {
            configs["max.message.bytes"] = max.ToString(CultureInfo.InvariantCulture);
        }

        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 3, Configs = configs }]).ConfigureAwait(false);
        _topics.Add(topic);
    }

    /// <summary>Nothing to undo: the schedules that run here (stops and starts) start what they stop.</summary>
    public Task HealAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deletes the run's topics, best effort.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_topics.Count == 0)
        {
            return;
        }

        using var admin = Admin();
        try
        {
            await admin.DeleteTopicsAsync(_topics).ConfigureAwait(false);
        }
        catch (DeleteTopicsException)
        {
            // Left behind; the names carry the run id.
        }
    }

    private IAdminClient Admin() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).SetLogHandler(static (_, _) => { }).Build();
}
