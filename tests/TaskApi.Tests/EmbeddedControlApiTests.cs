using System.Text.RegularExpressions;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Testing;
using TaskApi.Tests.Infrastructure;

namespace TaskApi.Tests;

/// <summary>The embedded cluster's control API, served by the real process on the port it logs.</summary>
public sealed partial class EmbeddedControlApiTests(EmbeddedTaskApi fixture) : IClassFixture<EmbeddedTaskApi>
{
    [Fact]
    public async Task The_embedded_cluster_serves_the_control_api_on_the_port_it_logs()
    {
        var url = await LoggedControlUrlAsync(fixture.Api);
        using var http = new HttpClient { BaseAddress = new Uri(url + "/"), Timeout = TimeSpan.FromSeconds(10) };
        var control = new SimulatorControlClient(http);

        var cluster = await control.GetClusterAsync();
        Assert.True(cluster.IsSuccess, cluster.Json);
        Assert.Equal(fixture.Api.EmbeddedBootstrapServers(), string.Join(',', cluster.Value!.Brokers.Select(static b => $"{b.Host}:{b.Port}")));
        Assert.Contains(cluster.Value.Topics, static t => t.Name == "task-events" && t.Config.MinInsyncReplicas == 2);

        // A cut for a client that does not exist: applied and listed, harmless to the service.
        var cut = await control.ApplyAsync(new CutNetwork(1, ClientId: "nobody"));
        Assert.True(cut.IsSuccess, cut.Json);
        Assert.Equal([cut.Value!.Id], (await control.GetFaultsAsync()).Value!.Select(static f => f.Id));
        Assert.True((await control.RemoveFaultAsync(cut.Value.Id)).IsSuccess);
        var elections = (await control.GetEventsAsync(new EventQuery(Kind: "Elected", Topic: "task-events"))).Value!;
        Assert.Equal(3, elections.Count(static e => e.Election == ElectionKind.Initial));
    }

    private static async Task<string> LoggedControlUrlAsync(TaskApiProcess api)
    {
        await Eventually.WaitUntilAsync(() => ControlLine().IsMatch(api.Output), TimeSpan.FromSeconds(30), "the control API's address in the log", () => api.Output);

        return ControlLine().Match(api.Output).Groups[1].Value;
    }

    [GeneratedRegex(@"Embedded cluster control API on (http://[0-9.]+:[0-9]+)")]
    private static partial Regex ControlLine();
}
