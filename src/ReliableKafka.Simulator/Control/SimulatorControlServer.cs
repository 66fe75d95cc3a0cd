using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Control;

/// <summary>
/// A small web server that serves only the control API (<see cref="ControlApi.MapSimulatorControlApi"/>) of one
/// cluster, for hosts that have no web server of their own for it (<c>rk cluster</c>, the Task API's embedded cluster).
/// </summary>
public sealed class SimulatorControlServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatorControlServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address it listens on, such as http://127.0.0.1:19090 (the port as bound when 0 was asked for).</summary>
    public Uri Address { get; }

    /// <summary>Starts serving the control API of <paramref name="cluster"/>.</summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="host">The address to listen on, such as 127.0.0.1.</param>
    /// <param name="port">The port; 0 for a free one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="IOException">The port cannot be bound.</exception>
    public static async Task<SimulatorControlServer> StartAsync(SimulatedCluster cluster, string host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var address = IPAddress.Parse(host);
        var builder = WebApplication.CreateSlimBuilder();

        // The host process's own configuration (Kestrel endpoints, URLs) is for its own server, not this one.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options => options.Listen(address, port));
        var app = builder.Build();
        app.MapSimulatorControlApi(cluster);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return new SimulatorControlServer(app, new Uri(bound ?? $"http://{host}:{port}"));
    }

    /// <summary>Stops serving.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
