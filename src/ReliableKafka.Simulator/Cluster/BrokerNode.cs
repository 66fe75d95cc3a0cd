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
    private readonly ConcurrentDictionary<Socket, Connection> _connections = new();
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _running;
    private Faults.BrokerFaults? _faults;

    public int Id { get; } = id;

    public string Host { get; } = host;

    /// <summary>The port; fixed after the first start so a restarted broker comes back where clients expect it.</summary>
    public int Port { get; private set; } = port;

    public bool IsUp { get; private set; }

    /// <summary>Faults applied to the requests this broker serves.</summary>
    public Faults.BrokerFaults Faults => LazyInitializer.EnsureInitialized(ref _faults, () => new(Id, paused => cluster.OnBrokerPauseChanged(Id, paused), ResetConnections));

    /// <summary>True while the cluster has fenced this broker (paused past the session timeout): it leads nothing and is not in Metadata.</summary>
    public bool IsFenced { get; set; }

    /// <summary>Up, not paused and not fenced: able to replicate and to lead.</summary>
    public bool IsServing => IsUp && !IsFenced && !Faults.IsPaused;

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

    /// <summary>Resets the open connections of one client (every client when null), for a network cut.</summary>
    public void ResetConnections(string? clientId)
    {
        foreach (var (socket, connection) in _connections)
        {
            if (clientId is null || connection.ClientId == clientId)
            {
                Reset(socket);
            }
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
            _connections[socket] = new Connection();
            _ = ServeAsync(socket, token);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken token)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        var sizeBuffer = new byte[4];
        var connection = _connections.GetValueOrDefault(socket) ?? new Connection();
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
                    connection.ClientId ??= ReadClientId(frame.AsSpan(0, size));
                    if (connection.Silenced || (Faults.Any && !await BeforeRequestAsync(socket, connection, token).ConfigureAwait(false)))
                    {
                        continue;
                    }

                    using var response = await cluster.Handler.HandleAsync(this, frame.AsMemory(0, size), token).ConfigureAwait(false);
                    if (response is null || (Faults.Any && !await BeforeResponseAsync(frame, connection, token).ConfigureAwait(false)))
                    {
                        continue;
                    }

                    await stream.WriteAsync(response.WrittenMemory, token).ConfigureAwait(false);
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

    /// <summary>Applies network cuts and a pause to a request just read; false when it must go unanswered.</summary>
    private async ValueTask<bool> BeforeRequestAsync(Socket socket, Connection connection, CancellationToken token)
    {
        switch (Faults.CutFor(connection.ClientId))
        {
            case Simulator.Faults.NetworkCutMode.Reset:
                Reset(socket);
                throw new ConnectionClosedException("network cut (reset)");
            case Simulator.Faults.NetworkCutMode.Blackhole:
                return false;
        }

        await Faults.WhenRunning.WaitAsync(token).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Applies dropped responses, delays and a pause to a response; false when it is lost. A lost response silences
    /// its connection: TCP delivers in order, so nothing sent after it can arrive either, and the client must time
    /// out, reconnect and retry (requests that follow on that connection are read and go unanswered, as if lost too).
    /// </summary>
    private async ValueTask<bool> BeforeResponseAsync(byte[] frame, Connection connection, CancellationToken token)
    {
        var apiKey = (ApiKey)BinaryPrimitives.ReadInt16BigEndian(frame);
        if (apiKey == ApiKey.Produce && Faults.TakeDroppedProduceResponse())
        {
            connection.Silenced = true;
            cluster.Truth.Add(TruthEventKind.ResponseDropped, null, -1, Id, detail: "Produce response dropped after the append (fault); the connection goes silent until the client drops it", typed: static e => e with { Api = ApiKey.Produce });
            return false;
        }

        if (Faults.DelayFor(apiKey) is { } delay && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cluster.Time, token).ConfigureAwait(false);
        }

        await Faults.WhenRunning.WaitAsync(token).ConfigureAwait(false);
        return true;
    }

    /// <summary>The client.id of a request header v1+ (api key, version, correlation id, then an int16-length string).</summary>
    private static string? ReadClientId(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 10)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt16BigEndian(frame[8..]);
        return length < 0 || frame.Length < 10 + length ? null : System.Text.Encoding.UTF8.GetString(frame.Slice(10, length));
    }

    /// <summary>What the broker knows of one connection.</summary>
    private sealed class Connection
    {
        public string? ClientId { get; set; }

        /// <summary>Set when a response on it was dropped: nothing more is answered on this connection.</summary>
        public bool Silenced { get; set; }
    }
}

/// <summary>Thrown by a handler to close the connection without an answer (Kafka's way with a failed acks=0 append).</summary>
internal sealed class ConnectionClosedException(string reason) : Exception(reason);
