using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Protocol;

/// <summary>Writes the response frame to one request, or declines to answer.</summary>
internal delegate void ResponseWriter(KafkaWriter writer, RequestHeader header);

/// <summary>
/// A loopback listener on port 0 that answers each request through a script, using the codec under test.
/// One request at a time per connection, responses in order.
/// </summary>
internal sealed class ScriptedBroker : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<RequestHeader, ReadOnlyMemory<byte>, ResponseWriter?> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _acceptLoop;

    public ScriptedBroker(Func<RequestHeader, ReadOnlyMemory<byte>, ResponseWriter?> script)
    {
        _script = script;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Every request header received, in arrival order across connections.</summary>
    public ConcurrentQueue<RequestHeader> Requests { get; } = new();

    /// <summary>Anything that went wrong while parsing or answering; a test asserts it stays empty.</summary>
    public ConcurrentQueue<Exception> Failures { get; } = new();

    public static ResponseWriter Reply<T>(T body)
        where T : IKafkaMessage<T> =>
        (writer, header) => KafkaFrame.WriteResponse(writer, header.ApiVersion, header.CorrelationId, body);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_acceptLoop, .. _connections]);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _connections.Add(ServeAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped (a listener stopped between two accepts says "Not listening": InvalidOperationException).
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var connection = client;
        var stream = connection.GetStream();
        using var writer = new KafkaWriter();
        try
        {
            while (true)
            {
                var prefix = new byte[4];
                await stream.ReadExactlyAsync(prefix, _stop.Token);
                var body = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
                await stream.ReadExactlyAsync(body, _stop.Token);

                var header = KafkaFrame.ReadRequestHeader(body, out var reader);
                Requests.Enqueue(header);
                var respond = _script(header, reader.RemainingMemory);
                if (respond is null)
                {
                    continue;
                }

                writer.Reset();
                respond(writer, header);
                await stream.WriteAsync(writer.WrittenMemory, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or EndOfStreamException or ObjectDisposedException)
        {
            // The client or the test closed the connection.
        }
        catch (Exception e)
        {
            Failures.Enqueue(e);
        }
    }
}
