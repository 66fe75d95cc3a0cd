using System.Text.Json;

namespace ReliableKafka.Cli.Tests.Faults;

/// <summary><c>rk fault</c> as the rk program itself, against <c>rk cluster</c> run as a process and with $RK_CONTROL.</summary>
public sealed class FaultEndToEndTests
{
    [Fact]
    public async Task EndToEnd_rk_fault_pauses_lists_and_resumes_a_broker_of_an_rk_cluster_process()
    {
        var (cluster, _, controlPort) = await RkCluster.StartAsync("--topic", "orders:1:3:2", "--broker-session-timeout-ms", "60000");
        await using var _ = cluster;
        var control = $"http://127.0.0.1:{controlPort}";

        var pause = await RkProcess.RunAsync("fault", "pause", "2", "--control", control);
        Assert.True(pause.ExitCode == 0, pause.Stderr);
        Assert.Contains("pause broker 2; 'rk fault resume 2' resumes it", pause.Stdout, StringComparison.Ordinal);

        var list = await RkProcess.RunAsync("fault", "list", "--json", "--control", control);
        Assert.True(list.ExitCode == 0, list.Stderr);
        var paused = Assert.Single(JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray());
        Assert.Equal(("pause", 2), (paused.GetProperty("kind").GetString(), paused.GetProperty("broker").GetInt32()));

        var resume = await RkProcess.RunAsync("fault", "resume", "2", "--control", control);
        Assert.True(resume.ExitCode == 0, resume.Stderr);
        Assert.Equal($"broker 2 resumed (ended {paused.GetProperty("id").GetString()})\n", resume.Stdout);
        Assert.Empty(resume.Stderr);
    }

    [Fact]
    public async Task EndToEnd_an_unreachable_control_api_named_by_RK_CONTROL_exits_2_and_says_how_to_fix_it()
    {
        // Nothing listens on a closed port; the address comes from RK_CONTROL, set for the child process only.
        var closed = RkProcess.FreePorts(1);
        await using var refused = RkProcess.Start(new Dictionary<string, string> { ["RK_CONTROL"] = $"127.0.0.1:{closed}" }, "fault", "crash", "2");

        Assert.Equal(2, await refused.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"rk fault: cannot reach the control API at http://127.0.0.1:{closed} (", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("Start the cluster with 'rk cluster'", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("pass --control URL (or set RK_CONTROL)", refused.Stderr, StringComparison.Ordinal);
    }
}
