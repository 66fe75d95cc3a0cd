using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>
/// One simulated broker: a TCP listener and its connections. Each connection cuts frames with
/// <see cref="KafkaFrame.TryReadFrame"/>, handles one request at a time and answers in order, as Kafka does. A bad
/// frame, an unsupported request or a failing handler closes that connection only, and the log says why.
/// </summary>
internal sealed partial class BrokerNode(SimulatedCluster cluster, int id, string host, int port)
{
    private const string StoppedReason = "broker stopped";

    /// <summary>The size of each read from a connection's socket.</summary>
    internal const int ReadBufferSize = 64 * 1024;

    private readonly ConcurrentDictionary<Socket, Connection> _connections = new();
    private readonly ILogger _log = (cluster.Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<BrokerNode>();
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
            foreach (var (socket, connection) in _connections)
            {
                connection.ClosedBy ??= StoppedReason;
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
                connection.ClosedBy ??= "network cut (reset)";
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
            var connection = new Connection { Remote = socket.RemoteEndPoint?.ToString() };
            _connections[socket] = connection;
            _ = ServeAsync(socket, connection, token);
        }
    }

    /// <summary>
    /// Reads frames off one connection and serves them in order until the connection closes; logs why it closed. A
    /// request's announced size is reserved from the cluster's <see cref="RequestMemoryBudget"/> before its body is read
    /// (nothing is allocated from the prefix: the pipe holds only the bytes that arrived), and a connection that stalls
    /// in the middle of a request for <see cref="SimulatedClusterOptions.PartialRequestTimeout"/> is closed.
    /// </summary>
    private async Task ServeAsync(Socket socket, Connection connection, CancellationToken token)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        // 64 KiB reads: a produce request of a few hundred KiB arrives in a few reads, not a hundred 4 KiB ones.
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: ReadBufferSize / 4, leaveOpen: true));
        var budget = cluster.RequestMemory;
        var options = cluster.Options;
        var maxFrameSize = (int)Math.Min(options.MaxRequestSize, budget.Capacity);
        long reserved = 0;
        try
        {
            var open = true;
            var midFrame = false;
            while (open)
            {
                if (await ReadAsync(reader, midFrame, token).ConfigureAwait(false) is not { } read)
                {
                    BrokerLog.StalledMidRequest(_log, Id, connection.ClientId, connection.Remote, options.PartialRequestTimeout);
                    break;
                }

                var buffer = read.Buffer;
                while (open && KafkaFrame.TryReadSize(buffer, maxFrameSize, out var size))
                {
                    if (reserved == 0 && !await budget.ReserveAsync(size, options.PartialRequestTimeout, cluster.Time, token).ConfigureAwait(false))
                    {
                        BrokerLog.NoRequestMemory(_log, Id, connection.ClientId, connection.Remote, size, budget.Reserved, budget.Capacity);
                        open = false;
                        break;
                    }

                    reserved = size;
                    if (!KafkaFrame.TryReadFrame(ref buffer, out var frame, maxFrameSize))
                    {
                        break;
                    }

                    open = await ServeFrameAsync(socket, stream, frame, connection, token).ConfigureAwait(false);
                    budget.Release(reserved);
                    reserved = 0;
                }

                midFrame = !buffer.IsEmpty;
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (open && read.IsCompleted)
                {
                    BrokerLog.ClientClosed(_log, Id, connection.ClientId, connection.Remote, buffer.Length);
                    open = false;
                }
            }
        }
        catch (KafkaFrameSizeException e) when (e.IsOversized)
        {
            BrokerLog.OversizedFrame(_log, Id, connection.ClientId, connection.Remote, e.Size, e.MaxFrameSize);
        }
        catch (KafkaFrameSizeException e)
        {
            BrokerLog.BadFrame(_log, Id, connection.ClientId, connection.Remote, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The broker reset the socket (a fault, or it stopped), or the client went away.
            switch (connection.ClosedBy)
            {
                case StoppedReason:
                    BrokerLog.BrokerStopped(_log, Id, connection.ClientId, connection.Remote);
                    break;
                case { } fault:
                    BrokerLog.ClosedByFault(_log, Id, connection.ClientId, connection.Remote, fault);
                    break;
                case null when token.IsCancellationRequested:
                    BrokerLog.BrokerStopped(_log, Id, connection.ClientId, connection.Remote);
                    break;
                default:
                    BrokerLog.ClientReset(_log, Id, connection.ClientId, connection.Remote, e);
                    break;
            }
        }
        catch (Exception e)
        {
            // Whatever else fails stays on this connection: the broker and its other connections go on.
            BrokerLog.ConnectionFailed(_log, Id, connection.ClientId, connection.Remote, e);
        }
        finally
        {
            budget.Release(reserved);
            _connections.TryRemove(socket, out _);
            await reader.CompleteAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Serves one request frame; false when the connection must close (the reason is logged).</summary>
    private async Task<bool> ServeFrameAsync(Socket socket, NetworkStream stream, ReadOnlySequence<byte> frame, Connection connection, CancellationToken token)
    {
        // A frame that spans buffer segments is copied once so the codec reads one span; the copy lives for the request.
        byte[]? copy = null;
        var memory = frame.IsSingleSegment ? frame.First : (copy = ArrayPool<byte>.Shared.Rent((int)frame.Length)).AsMemory(0, (int)frame.Length);
        try
        {
            if (copy is not null)
            {
                frame.CopyTo(copy);
            }

            return await ServeRequestAsync(socket, stream, memory, connection, token).ConfigureAwait(false);
        }
        finally
        {
            if (copy is not null)
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        }
    }

    private async Task<bool> ServeRequestAsync(Socket socket, NetworkStream stream, ReadOnlyMemory<byte> frame, Connection connection, CancellationToken token)
    {
        RequestHeader header;
        KafkaReader body;
        try
        {
            header = KafkaFrame.ReadRequestHeader(frame, out body);
        }
        catch (KafkaProtocolException e)
        {
            BrokerLog.BadFrame(_log, Id, connection.ClientId, connection.Remote, e.Message);
            return false;
        }

        connection.ClientId ??= header.ClientId;
        try
        {
            if (connection.Silenced || (Faults.Any && !await BeforeRequestAsync(socket, connection, token).ConfigureAwait(false)))
            {
                return true;
            }
        }
        catch (ConnectionClosedException e)
        {
            BrokerLog.ClosedByFault(_log, Id, connection.ClientId, connection.Remote, e.Message);
            return false;
        }

        KafkaWriter? response;
        try
        {
            response = await cluster.Handler.HandleAsync(this, header, body, token).ConfigureAwait(false);
        }
        catch (UnsupportedRequestException)
        {
            BrokerLog.UnsupportedRequest(_log, Id, connection.ClientId, connection.Remote, header.ApiKey, header.ApiVersion);
            return false;
        }
        catch (KafkaProtocolException e)
        {
            BrokerLog.MalformedRequest(_log, Id, connection.ClientId, connection.Remote, header.ApiKey, header.ApiVersion, e.Message);
            return false;
        }
        catch (ConnectionClosedException e)
        {
            BrokerLog.ClosedByHandler(_log, Id, connection.ClientId, connection.Remote, header.ApiKey, e.Message);
            return false;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // A failing handler ends its own connection; the broker and its other connections go on.
            BrokerLog.HandlerFailed(_log, Id, connection.ClientId, connection.Remote, header.ApiKey, header.ApiVersion, e);
            return false;
        }

        using (response)
        {
            if (response is null || (Faults.Any && !await BeforeResponseAsync(header.ApiKey, connection, token).ConfigureAwait(false)))
            {
                return true;
            }

            await stream.WriteAsync(response.WrittenMemory, token).ConfigureAwait(false);
        }

        return true;
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
    private async ValueTask<bool> BeforeResponseAsync(ApiKey apiKey, Connection connection, CancellationToken token)
    {
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
}

/// <summary>Thrown by a handler to close the connection without an answer (Kafka's way with a failed acks=0 append).</summary>
internal sealed class ConnectionClosedException(string reason) : Exception(reason);
