using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// One simulated broker: a TCP listener and its connections. Each connection handles one request at a time and
/// answers in order, as Kafka does. A malformed frame closes that connection only.
/// </summary>
internal sealed class BrokerNode(SimulatedCluster cluster, int id, string host, int port)
{
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _running;

    public int Id { get; } = id;

    public string Host { get; } = host;

    /// <summary>The port; fixed after the first start so a restarted broker comes back where clients expect it.</summary>
    public int Port { get; private set; } = port;

    public bool IsUp { get; private set; }

    /// <summary>Faults applied to the requests this broker serves.</summary>
    public Faults.BrokerFaults Faults { get; } = new();

    public void Start()
    {
        lock (_gate)
        {
            if (IsUp)
            {
                return;
            }

            // No ReuseAddress: on Linux .NET would also set SO_REUSEPORT, letting a second cluster share the ports.
            // A restart can rebind at once anyway, because a crash resets connections (no TIME_WAIT on this side).
            var listener = new TcpListener(IPAddress.Parse(Host), Port);
            listener.Start(512);
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _listener = listener;
            _running = new CancellationTokenSource();
            IsUp = true;
            _ = AcceptAsync(listener, _running.Token);
        }
    }

    /// <summary>Closes the listener and resets every connection (clients see a reset, then connection refused).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (!IsUp)
            {
                return;
            }

            IsUp = false;
            _running!.Cancel();
            _listener!.Stop();
            foreach (var socket in _connections.Keys)
            {
                Reset(socket);
            }

            _connections.Clear();
            _running.Dispose();
            _running = null;
            _listener = null;
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
            // Already closed by its reader.
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            _connections[socket] = 0;
            _ = ServeAsync(socket, token);
        }
    }

    /// <summary>True when the fault plan loses this response (a Produce answered after its append).</summary>
    private bool DropsResponse(byte[] frame)
    {
        var apiKey = (ApiKey)BinaryPrimitives.ReadInt16BigEndian(frame);
        if (apiKey != ApiKey.Produce || !Faults.TakeDroppedProduceResponse())
        {
            return false;
        }

        cluster.Truth.Add(TruthEventKind.ResponseDropped, null, -1, Id, detail: "Produce response dropped after the append (fault)");
        return true;
    }

    private async Task ServeAsync(Socket socket, CancellationToken token)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        var sizeBuffer = new byte[4];
        try
        {
            while (!token.IsCancellationRequested)
            {
                await stream.ReadExactlyAsync(sizeBuffer, token).ConfigureAwait(false);
                var size = BinaryPrimitives.ReadInt32BigEndian(sizeBuffer);
                if (size <= 0 || size > KafkaFrame.DefaultMaxFrameSize)
                {
                    return;
                }

                var frame = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    await stream.ReadExactlyAsync(frame.AsMemory(0, size), token).ConfigureAwait(false);
                    using var response = await cluster.Handler.HandleAsync(this, frame.AsMemory(0, size), token).ConfigureAwait(false);
                    if (response is not null && !DropsResponse(frame))
                    {
                        await stream.WriteAsync(response.WrittenMemory, token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(frame);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException or KafkaProtocolException or ConnectionClosedException)
        {
            // The client went away, the broker stopped, or the request was malformed: this connection ends.
        }
        finally
        {
            _connections.TryRemove(socket, out _);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Thrown by a handler to close the connection without an answer (Kafka's way with a failed acks=0 append).</summary>
internal sealed class ConnectionClosedException(string reason) : Exception(reason);
