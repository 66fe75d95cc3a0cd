using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Cluster;

/// <summary><c>rk cluster</c>: runs a simulated cluster until Ctrl-C or SIGTERM.</summary>
internal sealed class ClusterCommand(IAnsiConsole console, StandardError standardError) : AsyncCommand<ClusterCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--brokers <COUNT>")]
        [Description("Number of brokers (ids 1..N). Default 3.")]
        [DefaultValue(3)]
        public int Brokers { get; init; } = 3;

        [CommandOption("--port <PORT>")]
        [Description("Port of broker 1; the others follow consecutively. Default 19092.")]
        [DefaultValue(19092)]
        public int Port { get; init; } = 19092;

        [CommandOption("--control-port <PORT>")]
        [Description("Port of the JSON control API. Default 19090.")]
        [DefaultValue(19090)]
        public int ControlPort { get; init; } = 19090;

        [CommandOption("--host <ADDRESS>")]
        [Description("Address to listen on and advertise. Default 127.0.0.1.")]
        [DefaultValue("127.0.0.1")]
        public string Host { get; init; } = "127.0.0.1";

        [CommandOption("--topic <SPEC>")]
        [Description("A topic to create, as name:partitions:replication[:min.insync[:unclean]]. Repeatable.")]
        public string[] Topics { get; init; } = [];

        [CommandOption("--data-dir <DIR>")]
        [Description("Keep topics and logs in DIR across restarts of the command (saved on a clean stop, loaded at start).")]
        public string? DataDir { get; init; }

        [CommandOption("--replica-lag-time-max-ms <MS>")]
        [Description("replica.lag.time.max.ms: how long a follower may lag before it leaves the ISR. Default 30000.")]
        [DefaultValue(30000)]
        public int ReplicaLagTimeMaxMs { get; init; } = 30000;

        [CommandOption("--broker-session-timeout-ms <MS>")]
        [Description("broker.session.timeout.ms: how long a paused broker keeps its partitions before it is fenced. Default 9000.")]
        [DefaultValue(9000)]
        public int BrokerSessionTimeoutMs { get; init; } = 9000;

        [CommandOption("--no-auto-create")]
        [Description("Refuse unknown topics instead of creating them.")]
        public bool NoAutoCreate { get; init; }

        [CommandOption("-v|--verbose")]
        [Description("Log to stderr, at Warning and above, why a broker closes a connection (bad frame, unsupported request, failing handler).")]
        public bool Verbose { get; init; }

        public override ValidationResult Validate()
        {
            if (Brokers is < 1 or > 50)
            {
                return ValidationResult.Error($"--brokers must be between 1 and 50, not {Brokers}.");
            }

            if (Port is < 1 or > 65535 || Port + Brokers - 1 > 65535)
            {
                return ValidationResult.Error($"--port {Port} leaves no room for {Brokers} consecutive broker ports.");
            }

            if (ReplicaLagTimeMaxMs < 1 || BrokerSessionTimeoutMs < 1)
            {
                return ValidationResult.Error($"--replica-lag-time-max-ms and --broker-session-timeout-ms must be 1 or more (got {ReplicaLagTimeMaxMs} and {BrokerSessionTimeoutMs}).");
            }

            if (ControlPort is < 1 or > 65535 || (ControlPort >= Port && ControlPort < Port + Brokers))
            {
                return ValidationResult.Error($"--control-port {ControlPort} must be a free port outside the broker ports {Port}-{Port + Brokers - 1}.");
            }

            foreach (var spec in Topics)
            {
                if (TopicSpec.Parse(spec, Brokers, out var error) is null)
                {
                    return ValidationResult.Error(error!);
                }
            }

            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var logging = settings.Verbose
            ? LoggerFactory.Create(static builder => builder.SetMinimumLevel(LogLevel.Warning).AddConsole(static console => console.LogToStandardErrorThreshold = LogLevel.Trace))
            : null;
        SimulatedCluster cluster;
        try
        {
            cluster = SimulatedCluster.Start(new SimulatedClusterOptions
            {
                LoggerFactory = logging,
                Brokers = settings.Brokers,
                FirstPort = settings.Port,
                Host = settings.Host,
                AutoCreateTopics = !settings.NoAutoCreate,
                DataDirectory = settings.DataDir,
                ReplicaLagTimeMax = TimeSpan.FromMilliseconds(settings.ReplicaLagTimeMaxMs),
                BrokerSessionTimeout = TimeSpan.FromMilliseconds(settings.BrokerSessionTimeoutMs),
            });
        }
        catch (InvalidDataException e)
        {
            await standardError.WriteLineAsync($"rk cluster: cannot load --data-dir {settings.DataDir}: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            await standardError.WriteLineAsync($"rk cluster: cannot listen on {settings.Host}:{settings.Port}-{settings.Port + settings.Brokers - 1}: {e.Message}. Choose other ports with --port.").ConfigureAwait(false);
            return 2;
        }

        await using (cluster.ConfigureAwait(false))
        {
            foreach (var spec in settings.Topics)
            {
                var (name, topic) = TopicSpec.Parse(spec, settings.Brokers, out _)!.Value;
                if (cluster.Describe().Topics.Any(t => t.Name == name))
                {
                    await standardError.WriteLineAsync($"rk cluster: topic {name} already exists in --data-dir; keeping it as it is.").ConfigureAwait(false);
                    continue;
                }

                cluster.CreateTopic(name, topic);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
            {
                signal.Cancel = true;
                stop.Cancel();
            });
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
            {
                signal.Cancel = true;
                stop.Cancel();
            });

            SimulatorControlServer control;
            try
            {
                control = await SimulatorControlServer.StartAsync(cluster, settings.Host, settings.ControlPort, stop.Token).ConfigureAwait(false);
            }
            catch (IOException)
            {
                await standardError.WriteLineAsync($"rk cluster: cannot listen on {settings.Host}:{settings.ControlPort} for the control API. Choose another port with --control-port.").ConfigureAwait(false);
                return 2;
            }

            await using var served = control.ConfigureAwait(false);

            console.WriteRaw($"bootstrap.servers={cluster.BootstrapServers}");
            await console.Profile.Out.Writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            await standardError.WriteLineAsync($"rk cluster: {settings.Brokers} brokers up; control API on http://{settings.Host}:{settings.ControlPort}/cluster; web console on http://{settings.Host}:{settings.ControlPort}/console; Ctrl-C stops.").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await standardError.WriteLineAsync("rk cluster: stopping.").ConfigureAwait(false);
            }
        }

        return 0;
    }
}

/// <summary>Parses <c>name:partitions:replication[:min.insync[:unclean]]</c>.</summary>
internal static class TopicSpec
{
    public static (string Name, TopicSettings Settings)? Parse(string spec, int brokers, out string? error)
    {
        error = null;
        var parts = spec.Split(':');
        var unclean = parts.Length == 5 && parts[4] == "unclean";
        if (parts.Length is < 3 or > 5 || (parts.Length == 5 && !unclean) || parts[0].Length == 0
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var partitions) || partitions < 1
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var replication) || replication < 1)
        {
            error = $"--topic '{spec}' is not name:partitions:replication[:min.insync[:unclean]] with positive numbers, for example task-events:3:3:2 (add :unclean to allow unclean leader election).";
            return null;
        }

        var minInSync = 1;
        if (parts.Length >= 4 && (!int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out minInSync) || minInSync < 1 || minInSync > replication))
        {
            error = $"--topic '{spec}': min.insync must be between 1 and the replication factor {replication}.";
            return null;
        }

        if (replication > brokers)
        {
            error = $"--topic '{spec}': replication factor {replication} needs at least {replication} brokers; --brokers is {brokers}.";
            return null;
        }

        return (parts[0], new TopicSettings(partitions, replication, minInSync, UncleanLeaderElection: unclean));
    }
}
