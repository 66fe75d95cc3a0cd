using System.Buffers.Binary;
using System.Net.Sockets;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Tests.Admin;

/// <summary>One TCP connection to a simulated broker that sends hand-built requests at chosen versions.</summary>
internal sealed class RawConnection : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private int _correlationId;

    private RawConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawConnection> ConnectAsync(string host, int port)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port).WaitAsync(Timeout);
            return new RawConnection(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async Task<TResponse> SendAsync<TRequest, TResponse>(TRequest request, short version)
        where TRequest : IKafkaMessage<TRequest>
        where TResponse : IKafkaMessage<TResponse>
    {
        var correlationId = ++_correlationId;
        byte[] frame;
        using (var writer = new KafkaWriter())
        {
            KafkaFrame.WriteRequest(writer, version, correlationId, "raw-admin-test", request);
            frame = writer.ToArray();
        }

        using var timeout = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(frame, timeout.Token);
        var size = new byte[4];
        await _stream.ReadExactlyAsync(size, timeout.Token);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await _stream.ReadExactlyAsync(body, timeout.Token);
        var response = KafkaFrame.ReadResponse<TResponse>(body, version, out var answeredId);
        Assert.Equal(correlationId, answeredId);
        return response;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
