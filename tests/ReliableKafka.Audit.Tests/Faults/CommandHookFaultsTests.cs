namespace ReliableKafka.Audit.Tests.Faults;

public sealed class CommandHookFaultsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rk-audit-hook-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Script(string body)
    {
        var path = Path.Combine(_directory, "fault.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        return path;
    }

    [Fact]
    public async Task Stop_clean_shutdown_and_start_run_the_command_with_the_action_and_the_broker()
    {
        var log = Path.Combine(_directory, "calls.log");
        var script = Script($"echo \"$1 $2\" >> '{log}'");
        using var faults = new CommandHookFaults($"sh '{script}' {{action}} {{broker}}", "127.0.0.1:1");

        await faults.ShutdownBrokerAsync(2, CancellationToken.None);
        await faults.StartBrokerAsync(2, CancellationToken.None);
        await faults.CleanShutdownBrokerAsync(3, CancellationToken.None);

        Assert.Equal(["stop 2", "start 2", "stop 3"], File.ReadAllLines(log));
        Assert.Equal($"sh '{script}' start 2", faults.Executed[1]);
    }

    [Fact]
    public async Task A_command_that_fails_fails_with_its_exit_code_and_error_output()
    {
        var script = Script("echo 'no such broker' >&2; exit 3");
        using var faults = new CommandHookFaults($"sh '{script}' {{action}} {{broker}}", "127.0.0.1:1");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => faults.ShutdownBrokerAsync(9, CancellationToken.None));

        Assert.Contains("exited with 3: no such broker", error.Message);
    }

    [Fact]
    public async Task Only_stops_and_starts_are_supported()
    {
        using var faults = new CommandHookFaults("true {action} {broker}", "127.0.0.1:1");

        Assert.Equal(FaultCapabilities.StopStart | FaultCapabilities.CleanShutdown | FaultCapabilities.Describe | FaultCapabilities.UncleanElection, faults.Capabilities);
        await Assert.ThrowsAsync<NotSupportedException>(() => faults.CrashBrokerAsync(1, CancellationToken.None));
        await Assert.ThrowsAsync<NotSupportedException>(() => faults.SetFollowerStoppedAsync("t", 0, 1, true, CancellationToken.None));
        await Assert.ThrowsAsync<NotSupportedException>(() => faults.DropProduceResponsesAsync(1, 1, CancellationToken.None));
        await Assert.ThrowsAsync<NotSupportedException>(() => faults.SetNetworkCutAsync("c", 1, true, CancellationToken.None));
        Assert.Null(faults.Truth);
    }

    [Fact]
    public void A_template_without_its_placeholders_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new CommandHookFaults("./fault.sh stop", "127.0.0.1:1"));

        Assert.Contains("{action} and {broker}", error.Message);
    }
}
