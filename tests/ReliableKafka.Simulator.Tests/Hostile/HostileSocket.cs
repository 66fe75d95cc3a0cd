using System.Net.Sockets;

namespace ReliableKafka.Simulator.Tests.Hostile;

/// <summary>A raw TCP connection to a broker that sends whatever bytes it is given and can tell when the broker closed it.</summary>
internal sealed class HostileSocket : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private HostileSocket(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<HostileSocket> ConnectAsync(string hostPort)
    {
        var parts = hostPort.Split(':');
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)).WaitAsync(TimeSpan.FromSeconds(5));
        return new HostileSocket(client);
    }

    /// <summary>Sends bytes; false when the broker already closed the connection.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> bytes, TimeSpan? patience = null)
    {
        try
        {
            using var timeout = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(5));
            await _stream.WriteAsync(bytes, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Reads and drops whatever the broker answers until it closes the connection; fails if it stays open past <paramref name="patience"/>.</summary>
    public async Task WaitUntilClosedAsync(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        var buffer = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(buffer, timeout.Token) > 0)
            {
                // Answers to earlier requests: drained until the close.
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"the broker kept the connection open for {patience.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // A reset is a close too.
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}
