using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Audit;

/// <summary>
/// The faults of a real cluster, applied by running a command the user gives, such as
/// <c>./kafka-fault.sh {action} {broker}</c>: <c>{action}</c> becomes <c>stop</c> or <c>start</c> and <c>{broker}</c>
/// the broker id. <c>stop</c> should stop the broker as <c>kafka-server-stop.sh</c> does (SIGTERM: a controlled
/// shutdown that moves leadership first), and return once it is down; <c>start</c> once it is started. The command runs
/// through <c>/bin/sh -c</c> (<c>cmd /c</c> on Windows); a non-zero exit fails the run. Leaders and ISRs come from the
/// cluster's metadata. Every other fault is unsupported, so only the scenarios that need nothing but stops and starts run.
/// </summary>
public sealed class CommandHookFaults : IClusterFaults, IDisposable
{
    private readonly string _template;
    private readonly TimeSpan _timeout;
    private readonly Lazy<IAdminClient> _admin;

    /// <summary>Creates the hook.</summary>
    /// <param name="commandTemplate">The command, with <c>{action}</c> and <c>{broker}</c> placeholders.</param>
    /// <param name="bootstrapServers">The cluster, for metadata.</param>
    /// <param name="commandTimeout">How long one command may run; the default is 2 minutes.</param>
    /// <exception cref="ArgumentException">The template lacks <c>{action}</c> or <c>{broker}</c>.</exception>
    public CommandHookFaults(string commandTemplate, string bootstrapServers, TimeSpan? commandTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandTemplate);
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        if (!commandTemplate.Contains("{action}", StringComparison.Ordinal) || !commandTemplate.Contains("{broker}", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The fault command must contain {{action}} and {{broker}}, for example \"./kafka-fault.sh {{action}} {{broker}}\"; got \"{commandTemplate}\".", nameof(commandTemplate));
        }

        _template = commandTemplate;
        _timeout = commandTimeout ?? TimeSpan.FromMinutes(2);
        _admin = new Lazy<IAdminClient>(() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers })
            .SetLogHandler(static (_, _) => { })
            .Build());
    }

    /// <summary>The commands run so far, in order, as executed.</summary>
    public IReadOnlyList<string> Executed
    {
        get
        {
            lock (_executed)
            {
                return [.. _executed];
            }
        }
    }

    private readonly List<string> _executed = [];

    /// <inheritdoc />
    public string Kind => "command hook";

    /// <inheritdoc />
    public FaultCapabilities Capabilities => FaultCapabilities.StopStart | FaultCapabilities.CleanShutdown | FaultCapabilities.Describe | FaultCapabilities.UncleanElection;

    /// <inheritdoc />
    public GroundTruth? Truth => null;

    /// <inheritdoc />
    public Task ShutdownBrokerAsync(int broker, CancellationToken cancellationToken) => RunAsync("stop", broker, cancellationToken);

    /// <inheritdoc />
    public Task CrashBrokerAsync(int broker, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the fault command supports only stop and start, not a hard crash");

    /// <inheritdoc />
    public Task CleanShutdownBrokerAsync(int broker, CancellationToken cancellationToken) => RunAsync("stop", broker, cancellationToken);

    /// <inheritdoc />
    public Task StartBrokerAsync(int broker, CancellationToken cancellationToken) => RunAsync("start", broker, cancellationToken);

    /// <inheritdoc />
    public Task SetFollowerStoppedAsync(string topic, int partition, int broker, bool stopped, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the fault command supports only stop and start, not lagging followers");

    /// <inheritdoc />
    public Task DropProduceResponsesAsync(int broker, int count, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the fault command supports only stop and start, not dropped responses");

    /// <inheritdoc />
    public int PendingDroppedResponses(int broker) => 0;

    /// <inheritdoc />
    public Task<int> HoldTransactionMarkersAsync(string transactionalId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the fault command supports only stop and start, not held transaction markers");

    /// <inheritdoc />
    public Task SetNetworkCutAsync(string clientId, int broker, bool cut, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the fault command supports only stop and start, not network cuts");

    /// <inheritdoc />
    public Task<PartitionLayout> DescribePartitionAsync(string topic, int partition, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            var metadata = _admin.Value.GetMetadata(topic, TimeSpan.FromSeconds(10));
            var state = metadata.Topics.FirstOrDefault(t => t.Topic == topic)?.Partitions.FirstOrDefault(p => p.PartitionId == partition)
                ?? throw new InvalidOperationException($"{topic}[{partition}] is not in the cluster's metadata.");
            return new PartitionLayout(partition, state.Leader, state.Replicas, state.InSyncReplicas);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<int>> BrokerIdsAsync(CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<int>>(() =>
        {
            // Metadata lists live brokers only; replicas name the others.
            var metadata = _admin.Value.GetMetadata(TimeSpan.FromSeconds(10));
            return [.. metadata.Brokers.Select(static b => b.BrokerId)
                .Concat(metadata.Topics.SelectMany(static t => t.Partitions).SelectMany(static p => p.Replicas))
                .Distinct().Order()];
        }, cancellationToken);

    /// <summary>The command for an action and a broker.</summary>
    internal string CommandFor(string action, int broker) =>
        _template.Replace("{action}", action, StringComparison.Ordinal).Replace("{broker}", broker.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private async Task RunAsync(string action, int broker, CancellationToken cancellationToken)
    {
        var command = CommandFor(action, broker);
        lock (_executed)
        {
            _executed.Add(command);
        }

        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/c", command } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command } };
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the fault command \"{command}\".");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"The fault command \"{command}\" did not finish within {_timeout.TotalSeconds:0} s.");
        }

        await Task.WhenAll(output, error).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The fault command \"{command}\" exited with {process.ExitCode}: {error.Result.Trim()}"));
        }
    }

    /// <summary>Disposes the metadata client.</summary>
    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
