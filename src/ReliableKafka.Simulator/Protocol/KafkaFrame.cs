using System.Buffers;
using System.Buffers.Binary;

namespace ReliableKafka.Simulator.Protocol;

/// <summary>
/// Size-prefixed frames: a 4-byte big-endian length, then a header and a body.
/// </summary>
internal static class KafkaFrame
{
    /// <summary>Kafka's default socket.request.max.bytes (100 MiB).</summary>
    public const int DefaultMaxFrameSize = 100 * 1024 * 1024;

    /// <summary>
    /// Reads the size prefix at the front of <paramref name="buffer"/> without taking anything; false until its 4 bytes
    /// have arrived. A negative size, or one above <paramref name="maxFrameSize"/>, throws
    /// <see cref="KafkaFrameSizeException"/>, so nothing is reserved or read for it.
    /// </summary>
    public static bool TryReadSize(in ReadOnlySequence<byte> buffer, int maxFrameSize, out int size)
    {
        size = 0;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        size = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (size < 0 || size > maxFrameSize)
        {
            throw new KafkaFrameSizeException(size, maxFrameSize);
        }

        return true;
    }

    /// <summary>
    /// Takes one complete frame body (without its size prefix) off the front of <paramref name="buffer"/>.
    /// Returns false when more bytes are needed. A negative size, or one above <paramref name="maxFrameSize"/> (Kafka's
    /// socket.request.max.bytes), throws <see cref="KafkaFrameSizeException"/>: as in Kafka, the connection must then
    /// close. A size of 0 is a frame, whose header will not parse.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, int maxFrameSize = DefaultMaxFrameSize)
    {
        frame = default;
        if (!TryReadSize(buffer, maxFrameSize, out var size) || buffer.Length - 4 < size)
        {
            return false;
        }

        frame = buffer.Slice(4, size);
        buffer = buffer.Slice(4 + size);
        return true;
    }

    /// <summary>Parses a request frame body: the header, and a reader positioned at the request body.</summary>
    public static RequestHeader ReadRequestHeader(ReadOnlyMemory<byte> frameBody, out KafkaReader body)
    {
        body = new KafkaReader(frameBody);
        return RequestHeader.Read(ref body);
    }

    /// <summary>Parses a whole request frame body of a known type.</summary>
    public static T ReadRequest<T>(ReadOnlyMemory<byte> frameBody, out RequestHeader header)
        where T : IKafkaMessage<T>
    {
        header = ReadRequestHeader(frameBody, out var body);
        if (header.ApiKey != T.ApiKey)
        {
            throw new KafkaProtocolException($"Expected a {T.ApiKey} request, got key {(short)header.ApiKey}.");
        }

        return T.Read(ref body, header.ApiVersion);
    }

    /// <summary>Parses a response frame body to a request of type <typeparamref name="T"/> at <paramref name="version"/>.</summary>
    public static T ReadResponse<T>(ReadOnlyMemory<byte> frameBody, short version, out int correlationId)
        where T : IKafkaMessage<T>
    {
        var reader = new KafkaReader(frameBody);
        correlationId = ResponseHeader.Read(ref reader, T.ApiKey, version);
        return T.Read(ref reader, version);
    }

    /// <summary>Writes a whole request frame: size, header (v1 or v2) and body.</summary>
    public static void WriteRequest<T>(KafkaWriter writer, short version, int correlationId, string? clientId, T body)
        where T : IKafkaMessage<T>
    {
        var start = writer.BeginFrame();
        new RequestHeader(T.ApiKey, version, correlationId, clientId).Write(writer);
        body.Write(writer, version);
        writer.EndFrame(start);
    }

    /// <summary>Writes a whole response frame: size, header (v0 or v1; always v0 for ApiVersions) and body.</summary>
    public static void WriteResponse<T>(KafkaWriter writer, short version, int correlationId, T body)
        where T : IKafkaMessage<T>
    {
        var start = writer.BeginFrame();
        ResponseHeader.Write(writer, T.ApiKey, version, correlationId);
        body.Write(writer, version);
        writer.EndFrame(start);
    }
}
