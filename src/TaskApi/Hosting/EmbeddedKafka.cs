using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;

namespace TaskApi.Hosting;

/// <summary>
/// The embedded default: when Kafka:BootstrapServers is empty, an in-process simulated cluster (3 brokers, the task
/// topic with 3 partitions, replication factor 3, min.insync.replicas 2) that the service then uses like any cluster,
/// with its control API (faults and ground truth, as <c>rk cluster</c> serves it) on 127.0.0.1 at
/// TaskApi:Simulator:ControlPort (0: a free port; the address is logged). For laptops and tests only; configure
/// Kafka:BootstrapServers for anything else.
/// </summary>
internal sealed partial class EmbeddedKafka : IAsyncDisposable
{
    private EmbeddedKafka(SimulatedCluster cluster) => Cluster = cluster;

    public SimulatedCluster Cluster { get; }

    /// <summary>The control API, once the host started.</summary>
    public SimulatorControlServer? Control { get; private set; }

    /// <summary>Starts the cluster and points the Kafka configuration at it, unless Kafka:BootstrapServers is set.</summary>
    public static EmbeddedKafka? StartIfUnconfigured(WebApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Kafka:BootstrapServers"]))
        {
            return null;
        }

        var options = builder.Configuration.GetSection(TaskApiOptions.SectionName).Get<TaskApiOptions>() ?? new TaskApiOptions();
        var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, FirstPort = options.Simulator.FirstPort, AutoCreateTopics = true });
        try
        {
            cluster.CreateTopic(options.Topics.TaskEvents, new TopicSettings(Partitions: 3, ReplicationFactor: 3, MinInSyncReplicas: 2));
            cluster.CreateTopic(options.Topics.TaskEvents + ReliableKafka.ReliableProducerDefaults.PerTopicSuffix, new TopicSettings(Partitions: 1, ReplicationFactor: 3, MinInSyncReplicas: 2));
            cluster.CreateTopic(options.Topics.Analytics, new TopicSettings(Partitions: 3, ReplicationFactor: 3, MinInSyncReplicas: 1));
            cluster.CreateTopic(options.Topics.Metrics, new TopicSettings(Partitions: 1, ReplicationFactor: 1, MinInSyncReplicas: 1));
            var deadLetterTopic = builder.Configuration["Kafka:DeadLetters:Topic"];
            cluster.CreateTopic(string.IsNullOrWhiteSpace(deadLetterTopic) ? ReliableKafka.ReliableProducerDefaults.DeadLetterTopic : deadLetterTopic, new TopicSettings(Partitions: 1, ReplicationFactor: 3, MinInSyncReplicas: 2));
        }
        catch
        {
            cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        builder.Configuration.AddInMemoryCollection([new("Kafka:BootstrapServers", cluster.BootstrapServers)]);
        var embedded = new EmbeddedKafka(cluster);
        builder.Services.AddSingleton(embedded);
        builder.Services.AddSingleton<TaskApi.Observability.ServicePanelSource>();
        builder.Services.AddHostedService<Announcer>();
        return embedded;
    }

    /// <summary>Where the service serves the embedded cluster's control API and web console on its own port.</summary>
    public const string ConsolePrefix = "/kafka";

    /// <summary>
    /// With the embedded cluster: its control API and web console on the service's own port under /kafka (the
    /// console at /kafka/console, with this service's panel from /kafka/service), and a log line with the address
    /// once the server listens. Nothing without it. Laptop and test use only, as the embedded cluster is.
    /// </summary>
    public static void MapEmbeddedConsole(WebApplication app)
    {
        if (app.Services.GetService<EmbeddedKafka>() is not { } embedded)
        {
            return;
        }

        var panel = app.Services.GetRequiredService<TaskApi.Observability.ServicePanelSource>();
        var group = app.MapGroup(ConsolePrefix).ExcludeFromDescription();
        group.MapSimulatorControlApi(embedded.Cluster);
        group.MapServicePanel(panel.ReadAsync);
        var logger = app.Services.GetRequiredService<ILogger<EmbeddedKafka>>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                LogConsole(logger, address.TrimEnd('/') + ConsolePrefix + "/console");
            }
        });
    }

    /// <summary>Stops the brokers; called after the host (and its producers) stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Control is not null)
        {
            await Control.DisposeAsync().ConfigureAwait(false);
        }

        await Cluster.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Information, "No Kafka:BootstrapServers configured: embedded simulated Kafka cluster with 3 brokers, bootstrap.servers={BootstrapServers} (watch the events: kcat -b {FirstBroker} -C -t {Topic})")]
    private static partial void LogStarted(ILogger logger, string bootstrapServers, string firstBroker, string topic);

    [LoggerMessage(3, LogLevel.Information, "Web console of the embedded cluster and this service: {ConsoleUrl} (crash a broker, watch the ISR shrink and the outbox wait, restart it)")]
    private static partial void LogConsole(ILogger logger, string consoleUrl);

    [LoggerMessage(2, LogLevel.Information, "Embedded cluster control API on {ControlUrl} (faults and ground truth: rk fault list --control {ControlUrl}, curl {ControlUrl}/events); web console on {ControlUrl}/console")]
    private static partial void LogControl(ILogger logger, string controlUrl);

    /// <summary>Logs the one line that says where the embedded cluster listens.</summary>
    private sealed class Announcer(EmbeddedKafka embedded, Microsoft.Extensions.Options.IOptions<TaskApiOptions> options, ILogger<EmbeddedKafka> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var servers = embedded.Cluster.BootstrapServers;
            LogStarted(logger, servers, servers.Split(',')[0], options.Value.Topics.TaskEvents);
            embedded.Control = await SimulatorControlServer.StartAsync(embedded.Cluster, "127.0.0.1", options.Value.Simulator.ControlPort, cancellationToken).ConfigureAwait(false);
            LogControl(logger, embedded.Control.Address.ToString().TrimEnd('/'));
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
