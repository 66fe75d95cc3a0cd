using System.Globalization;

namespace ReliableKafka.Cli.Tests;

/// <summary>Starts <c>rk cluster</c> with three brokers on free ports and waits until it serves.</summary>
internal static class RkCluster
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The running command, its bootstrap servers and the port of its control API.</summary>
    public static async Task<(RkProcess Rk, string Bootstrap, int ControlPort)> StartAsync(params string[] extra)
    {
        var port = RkProcess.FreePorts(4);
        var rk = RkProcess.Start(["cluster", "--brokers", "3", "--port", port.ToString(CultureInfo.InvariantCulture), "--control-port", (port + 3).ToString(CultureInfo.InvariantCulture), .. extra]);
        var bootstrap = await rk.BootstrapServers(StartTimeout);
        return (rk, bootstrap, port + 3);
    }
}
