using System.Threading.Channels;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Audit.Tests.Faults;

/// <summary>
/// The audit against a "real" cluster through a fault command: the cluster is an in-process simulator, and the
/// command is a shell script that hands each action to the test (a request file it waits on), which applies it.
/// </summary>
public sealed class CommandHookAuditTests : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rk-audit-hook-").FullName;
    private readonly SimulatedCluster _cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 3, ReplicaLagTimeMax = TimeSpan.FromSeconds(1) });
    private readonly List<string> _applied = [];
    private readonly CancellationTokenSource _stop = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _cluster.DisposeAsync();
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Applies each request the script leaves (told by a file-system watcher), then deletes it so the script returns.</summary>
    private async Task ServeAsync()
    {
        var requests = Channel.CreateUnbounded<string>();
        void Offer(string path)
        {
            if (!path.EndsWith(".tmp", StringComparison.Ordinal))
            {
                requests.Writer.TryWrite(path);
            }
        }

        using var watcher = new FileSystemWatcher(_directory, "req-*");
        watcher.Created += (_, e) => Offer(e.FullPath);
        watcher.Renamed += (_, e) => Offer(e.FullPath);
        watcher.EnableRaisingEvents = true;
        try
        {
            await foreach (var request in requests.Reader.ReadAllAsync(_stop.Token))
            {
                if (!File.Exists(request))
                {
                    continue;
                }

                var parts = File.ReadAllText(request).Split(' ', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                var broker = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                if (parts[0] == "stop")
                {
                    _cluster.CrashBroker(broker);
                }
                else
                {
                    _cluster.RestartBroker(broker);
                }

                lock (_applied)
                {
                    _applied.Add($"{parts[0]} {broker}");
                }

                File.Delete(request);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The test is over.
        }
    }

    [Fact]
    public async Task Stop_and_start_scenarios_run_through_the_command_and_the_others_are_skipped()
    {
        var script = Path.Combine(_directory, "fault.sh");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            request='{{_directory}}'/req-$$
            echo "$1 $2" > "$request.tmp" && mv "$request.tmp" "$request"
            while [ -e "$request" ]; do sleep 0.02; done
            """.Replace("\r", "", StringComparison.Ordinal));
        var serving = ServeAsync();
        var runner = new AuditRunner(new AuditOptions
        {
            BootstrapServers = _cluster.BootstrapServers,
            FaultCommand = $"sh '{script}' {{action}} {{broker}}",
            ShortTimeouts = true,
            RecoveryTimeout = TimeSpan.FromSeconds(10),
            Scenarios = [ScenarioIds.RollingRestart, ScenarioIds.LeaderCrash, ScenarioIds.LostAcks],
            Configurations = [AuditConfigurations.Critical],
        });

        var report = await runner.RunAsync();
        await _stop.CancelAsync();
        await serving;

        Assert.Equal("cluster", report.Target);
        var rolling = report.Results[0];
        Assert.True(rolling.Verdict == Verdict.Pass, string.Join("; ", [.. rolling.Reasons, rolling.Error ?? ""]));
        Assert.False(rolling.GroundTruth);
        Assert.True(rolling.Counts!.Acknowledged > 500);
        Assert.Equal(["stop 1", "start 1", "stop 2", "start 2", "stop 3", "start 3"], _applied);
        Assert.Equal(Verdict.Skipped, report.Results[1].Verdict);
        Assert.Equal("needs a hard broker crash and stopping a follower, which the command hook cannot apply", report.Results[1].SkipReason);
        Assert.Equal("needs dropping Produce responses, which the command hook cannot apply", report.Results[2].SkipReason);
        Assert.False(report.CriticalViolation);
    }
}
